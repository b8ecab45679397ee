// One cold-start sample, run in a fresh node process by ../cold-start.mjs: imports what the subject needs, gets
// the first token, prints timings as JSON on stdout (never the token). performance.now() counts from the process's
// time origin, so `sinceOriginMs` includes Node's own start-up.
const subject = process.argv[2];
const t0 = performance.now();
let tImport;
let value;

const SECRET_ID = "bench/hf";
const stubEnv = () => ({ HF_TOKEN: process.env.HF_BENCH_COLD_TOKEN });

switch (subject) {
  case "baseline": {
    tImport = performance.now();
    value = "";
    break;
  }
  case "core-env": {
    const [{ cached }, { fromEnv }] = await Promise.all([
      import("@hf-secrets/core"),
      import("@hf-secrets/env"),
    ]);
    tImport = performance.now();
    value = (await cached(fromEnv({ env: stubEnv() })).getSecret("HF_TOKEN")).value.reveal();
    break;
  }
  case "client-env": {
    const [{ createHfSecrets }, { fromEnv }] = await Promise.all([
      import("@hf-secrets/client"),
      import("@hf-secrets/env"),
    ]);
    tImport = performance.now();
    value = await createHfSecrets({
      provider: fromEnv({ env: stubEnv() }),
      verify: false,
      config: false,
    }).getHfToken();
    break;
  }
  case "aws-package": {
    // The package imports the SDK lazily at first use: the import phase is the package alone.
    const [{ cached }, aws] = await Promise.all([import("@hf-secrets/core"), import("@hf-secrets/aws")]);
    tImport = performance.now();
    const provider = aws.fromAwsSecretsManager({ secretId: SECRET_ID });
    value = (await cached(provider).getSecret("HF_TOKEN")).value.reveal();
    break;
  }
  case "aws-minimal": {
    // Fallback when @hf-secrets/aws is not built: core + the SDK + a minimal GetSecretValue provider.
    const [{ cached }, sdk, { minimalAwsProvider }] = await Promise.all([
      import("@hf-secrets/core"),
      import("@aws-sdk/client-secrets-manager"),
      import("../lib/aws-provider.mjs"),
    ]);
    tImport = performance.now();
    const provider = minimalAwsProvider({ client: new sdk.SecretsManagerClient({}), secretId: SECRET_ID });
    value = (await cached(provider).getSecret("HF_TOKEN")).value.reveal();
    break;
  }
  case "k8s-volume": {
    const [{ cached }, k8s] = await Promise.all([
      import("@hf-secrets/core"),
      import("@hf-secrets/kubernetes"),
    ]);
    tImport = performance.now();
    const provider = k8s.fromKubernetesSecret({ mountPath: process.env.HF_BENCH_K8S_MOUNT, watch: false });
    value = (await cached(provider).getSecret("HF_TOKEN")).value.reveal();
    break;
  }
  case "k8s-api": {
    // API mode loads @kubernetes/client-node lazily at first use: the import phase is the package alone.
    const [{ cached }, k8s] = await Promise.all([
      import("@hf-secrets/core"),
      import("@hf-secrets/kubernetes"),
    ]);
    tImport = performance.now();
    const provider = k8s.fromKubernetesSecret({
      name: "hf",
      namespace: "default",
      kubeconfigPath: process.env.HF_BENCH_KUBECONFIG,
    });
    value = (await cached(provider).getSecret("HF_TOKEN")).value.reveal();
    break;
  }
  case "k8s-sdk-first": {
    const k8s = await import("@kubernetes/client-node");
    tImport = performance.now();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(process.env.HF_BENCH_KUBECONFIG);
    const secret = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedSecret({ name: "hf", namespace: "default" });
    value = Buffer.from(secret.data.HF_TOKEN, "base64").toString("utf8");
    break;
  }
  case "azure-package": {
    // The package imports @azure/keyvault-secrets lazily at first use: the import phase is the package alone.
    const [{ cached }, azure, { staticCredential }] = await Promise.all([
      import("@hf-secrets/core"),
      import("@hf-secrets/azure"),
      import("../lib/keyvault-stub.mjs"),
    ]);
    tImport = performance.now();
    const provider = azure.fromAzureKeyVault({
      vaultUrl: process.env.HF_BENCH_KEYVAULT_URL,
      credential: staticCredential,
      clientOptions: { allowInsecureConnection: true, disableChallengeResourceVerification: true },
    });
    value = (await cached(provider).getSecret("HF_TOKEN")).value.reveal();
    break;
  }
  case "azure-sdk-first": {
    const [{ SecretClient }, { staticCredential }] = await Promise.all([
      import("@azure/keyvault-secrets"),
      import("../lib/keyvault-stub.mjs"),
    ]);
    tImport = performance.now();
    const client = new SecretClient(process.env.HF_BENCH_KEYVAULT_URL, staticCredential, {
      allowInsecureConnection: true,
      disableChallengeResourceVerification: true,
    });
    value = (await client.getSecret("hf-token")).value;
    break;
  }
  case "aws-sdk-import": {
    await import("@aws-sdk/client-secrets-manager");
    tImport = performance.now();
    value = "";
    break;
  }
  case "aws-sdk-first": {
    const sdk = await import("@aws-sdk/client-secrets-manager");
    tImport = performance.now();
    const out = await new sdk.SecretsManagerClient({}).send(
      new sdk.GetSecretValueCommand({ SecretId: SECRET_ID }),
    );
    value = out.SecretString;
    break;
  }
  default: {
    // "import:<package>[,<package>...]": import only (packages whose first token needs a server we do not stub).
    if (subject?.startsWith("import:")) {
      for (const name of subject.slice("import:".length).split(",")) await import(name);
      tImport = performance.now();
      value = "";
      break;
    }
    throw new Error(`unknown subject ${subject}`);
  }
}
const tFirst = performance.now();
const expected = process.env.HF_BENCH_COLD_TOKEN;
const ok = value === "" || value === expected;
process.stdout.write(
  `${JSON.stringify({ importMs: tImport - t0, firstTokenMs: tFirst - t0, sinceOriginMs: tFirst, ok })}\n`,
);

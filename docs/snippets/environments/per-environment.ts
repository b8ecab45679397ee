import { getHfClient } from "@hf-secrets/client";

// One line of application code for every environment; the config file decides where the token comes from:
//   development → env, .env, `hf auth login`     staging → a Docker/compose secret file, then env
//   test        → env (CI secrets)                production → a mounted Kubernetes Secret, then AWS
const client = await getHfClient();

// An explicit environment, for a script that must always behave like production (policies included).
const production = await getHfClient({ environment: "production" });
console.log(client !== production); // two environments, two caches

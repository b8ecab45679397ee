/** The provider name used in provenance, errors and config files (`{ "provider": "kubernetes" }`). */
export const KUBERNETES_PROVIDER_NAME = "kubernetes";

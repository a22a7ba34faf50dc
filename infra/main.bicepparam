// Example parameters: copy, adjust and pass with `az deployment group create --parameters infra/main.bicepparam`.
// The dashboard's client secret is not here: pass it on the command line (oidcClientSecret=...) or from Key Vault.
using 'main.bicep'

param namePrefix = 'cloudseg'
param gpuType = 'T4'
param maxReplicas = 10
param minReplicas = 0
param imageTag = 'latest'
param trainingOnGpu = false
param oidcClientId = ''

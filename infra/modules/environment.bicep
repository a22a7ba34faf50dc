// Log Analytics and the Container Apps environment: a workload-profiles environment with the default Consumption
// profile (dashboard, CPU training) and one serverless GPU profile (the segmenter; GPU training if chosen).
// Logs reach the workspace through a diagnostic setting, not the workspace's shared key, so no key is handled.

param location string
param namePrefix string
param tags object = {}

@description('Serverless GPU of the segmenter: T4 (cost-effective inference) or A100 (large batches, training).')
@allowed([
  'T4'
  'A100'
])
param gpuType string

@description('Days the workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// Names from the Container Apps serverless GPU documentation (az containerapp env workload-profile add --workload-profile-type).
var gpuProfileTypes = {
  T4: 'Consumption-GPU-NC8as-T4'
  A100: 'Consumption-GPU-NC24-A100'
}
var gpuProfileName = 'gpu-${toLower(gpuType)}'

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: 'log-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
    features: {
      // Queries need Entra ID sign-in and RBAC on the workspace or resource, never the workspace key.
      disableLocalAuth: true
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: 'cae-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: gpuProfileName
        workloadProfileType: gpuProfileTypes[gpuType]
      }
    ]
    zoneRedundant: false
  }
}

// The newest diagnosticSettings API is still this preview; the only GA one (2016) lacks categoryGroup.
#disable-next-line use-recent-api-versions
resource logsToWorkspace 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-${workspace.name}'
  scope: environment
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output environmentId string = environment.id
output environmentName string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output workspaceName string = workspace.name
output gpuProfileName string = gpuProfileName
@description('vCPU and memory of one replica on the GPU profile: serverless GPU replicas take the whole profile.')
output gpuReplicaResources object = gpuType == 'T4' ? { cpu: 8, memory: '56Gi' } : { cpu: 24, memory: '220Gi' }

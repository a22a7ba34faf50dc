// Training as a Container Apps Job: `cloudseg train` on a cron schedule, and on demand when RetrainOnSchedule (the
// functions) or "Retrain now" (the dashboard) starts an execution. The job trains on datasets/, evaluates COCO AP on
// the fixed validation set and registers the new model in models/, promoting it only when it is at least as good.

param location string
param name string
param tags object = {}
param environmentId string
param image string
param registryServer string

@description('The user-assigned identity: { id, clientId }.')
param identity object

param storageAccountName string

@description('Cron (5 fields, UTC) of the scheduled training run.')
param schedule string

@description('Arguments after `cloudseg` in the container.')
param args string[]

@description('Workload profile: Consumption (CPU) or the GPU profile.')
param workloadProfileName string

@description('vCPU and memory of the replica: { cpu: number, memory: string }.')
param replicaResources object

@description('Longest a run may take, in seconds, before Container Apps stops it.')
param timeoutSeconds int

resource job 'Microsoft.App/jobs@2025-07-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      triggerType: 'Schedule'
      scheduleTriggerConfig: {
        cronExpression: schedule
        parallelism: 1
        replicaCompletionCount: 1
      }
      replicaTimeout: timeoutSeconds
      // A failed run is recorded in the trainingruns table; retrying blindly would only burn GPU time.
      replicaRetryLimit: 0
      registries: [
        {
          server: registryServer
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'training'
          image: image
          args: args
          env: [
            { name: 'AZURE_CLIENT_ID', value: identity.clientId }
            { name: 'Storage__ManagedIdentityClientId', value: identity.clientId }
            { name: 'Storage__BlobServiceUri', value: 'https://${storageAccountName}.blob.${environment().suffixes.storage}' }
            { name: 'Storage__QueueServiceUri', value: 'https://${storageAccountName}.queue.${environment().suffixes.storage}' }
            { name: 'Storage__TableServiceUri', value: 'https://${storageAccountName}.table.${environment().suffixes.storage}' }
          ]
          resources: {
            cpu: json(string(replicaResources.cpu))
            memory: replicaResources.memory
          }
        }
      ]
    }
  }
}

output id string = job.id
output name string = job.name

// Training as a Container Apps Job, started only by the functions (RetrainOnSchedule, through ARM: see
// functions/CloudSeg.Functions/Training/ContainerAppsJobLauncher.cs) for a run row they created: when datasets/
// changed, or when someone asked for a run ("Retrain now", `cloudseg retrain`). No cron of its own: an execution
// without a run id would have no row to report to. Each execution runs `cloudseg train-job` for the run named by
// CLOUDSEG_RUN_ID (a per-execution override, like CLOUDSEG_DATASET_DIGEST): it trains on datasets/, evaluates
// candidate and current model on the fixed validation split, writes models/<run id>/ and its run row, and promotes
// the candidate only when it is at least as good.

param location string
param name string
param tags object = {}
param environmentId string
param image string
param registryServer string

@description('The user-assigned identity: { id, clientId }.')
param identity object

param storageAccountName string

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
      triggerType: 'Manual'
      manualTriggerConfig: {
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
          // The launcher sends this container back with the run's overrides: its name is
          // Training:ContainerAppsJob:ContainerName, and the tests read it from here.
          name: 'training'
          image: image
          command: [
            'dotnet'
            '/app/cloudseg.dll'
          ]
          args: [
            'train-job'
          ]
          env: [
            { name: 'AZURE_CLIENT_ID', value: identity.clientId }
            { name: 'Storage__ManagedIdentityClientId', value: identity.clientId }
            { name: 'Storage__BlobServiceUri', value: 'https://${storageAccountName}.blob.${environment().suffixes.storage}' }
            { name: 'Storage__QueueServiceUri', value: 'https://${storageAccountName}.queue.${environment().suffixes.storage}' }
            { name: 'Storage__TableServiceUri', value: 'https://${storageAccountName}.table.${environment().suffixes.storage}' }
            // The template creates containers and tables; the training identity may not create them (nor touch queues).
            { name: 'Storage__CreateIfMissing', value: 'false' }
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

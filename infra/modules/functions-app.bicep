// The segmenter: the functions image run as an Azure Functions app on Container Apps (kind 'functionapp').
//
// Why Microsoft.App/containerApps with kind 'functionapp' and not Microsoft.Web/sites with managedEnvironmentId:
// Microsoft now recommends this native hosting for new Functions-on-Container-Apps workloads; it is the one that
// supports serverless GPU workload profiles, and the platform derives the KEDA scale rule from the worker's queue
// trigger (functions.metadata, generated from SegmentImage's [QueueTrigger]) itself (target = host.json extensions.queues.batchSize messages per replica), so the app scales
// 0..maxReplicas on the length of segment-requests without a hand-written rule. Microsoft.Web/sites on an
// environment is the older integration (Consumption profile only, no GPU).
//
// The image holds the Functions host plus our .NET isolated worker (dotnet-isolated): the host owns the queue trigger
// and timers and calls the worker's [Function] methods over gRPC; the worker settles each request message itself
// (delete, back-off, segment-requests-poison after 5 tries, give-up on the 6th delivery: host.json maxDequeueCount 6).

param location string
param name string
param tags object = {}
param environmentId string

@description('Workload profile that runs the replicas (the GPU profile).')
param workloadProfileName string

@description('vCPU and memory of one replica: { cpu: int, memory: string }; a serverless GPU replica takes the whole profile.')
param replicaResources object

param image string
param registryServer string

@description('The user-assigned identity: { id, clientId }.')
param identity object

param storageAccountName string

@description('Name of the training job (same resource group) that RetrainOnSchedule starts when labelled data changed.')
param trainingJobName string

@description('Cron (6 fields, UTC) at which RetrainOnSchedule checks datasets/ for changes.')
param retrainCheckSchedule string

@minValue(0)
param minReplicas int

@minValue(1)
@maxValue(1000)
param maxReplicas int

// The Functions host's own storage (leases, timer state) and the queue trigger's connection (SegmentImage's
// [QueueTrigger] says Connection = "Storage", so the host reads Storage__queueServiceUri below) use the identity
// instead of a connection string: service endpoint + credential + clientId.
var hostStorageSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.clientId }
  { name: 'Storage__credential', value: 'managedidentity' }
  { name: 'Storage__clientId', value: identity.clientId }
]

var appSettings = [
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
  // DefaultAzureCredential in our own code picks the user-assigned identity from this.
  { name: 'AZURE_CLIENT_ID', value: identity.clientId }
  { name: 'Storage__ManagedIdentityClientId', value: identity.clientId }
  { name: 'Storage__BlobServiceUri', value: 'https://${storageAccountName}.blob.${environment().suffixes.storage}' }
  { name: 'Storage__QueueServiceUri', value: 'https://${storageAccountName}.queue.${environment().suffixes.storage}' }
  { name: 'Storage__TableServiceUri', value: 'https://${storageAccountName}.table.${environment().suffixes.storage}' }
  // The Event Grid subscription (events.bicep) delivers every BlobCreated: an upload must not queue a second one.
  { name: 'Storage__AnnounceUploads', value: 'false' }
  { name: 'Segmenter__PreferCuda', value: 'true' }
  // The image puts the bundled default model here (infra/docker/functions.Dockerfile); it serves while the registry is empty.
  { name: 'Models__BundledModelDirectory', value: '/home/site/wwwroot/models/default' }
  // RetrainOnSchedule's timer reads %Training__Schedule%; in Azure it starts the Container Apps Job through ARM
  // (api-version: the launcher's default, the one the job is deployed with).
  { name: 'Training__Schedule', value: retrainCheckSchedule }
  { name: 'Training__Launcher', value: 'ContainerAppsJob' }
  { name: 'Training__ContainerAppsJob__SubscriptionId', value: subscription().subscriptionId }
  { name: 'Training__ContainerAppsJob__ResourceGroup', value: resourceGroup().name }
  { name: 'Training__ContainerAppsJob__JobName', value: trainingJobName }
]

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp'
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
      // One revision at a time: two active revisions would share the host's storage leases and timers.
      activeRevisionsMode: 'Single'
      // Event-driven scaling of a functionapp needs ingress; internal keeps the host off the internet.
      ingress: {
        external: false
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
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
          name: 'functions'
          image: image
          env: concat(hostStorageSettings, appSettings)
          resources: {
            cpu: json(string(replicaResources.cpu))
            memory: replicaResources.memory
          }
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

output name string = app.name

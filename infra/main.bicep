// CloudSeg in Azure: uploads → BlobCreated (Event Grid) → segment-requests queue → the functions (.NET isolated worker on
// a serverless GPU) → results + Table index → dashboard; the functions start the training job → model registry.
// Deploy into a resource group; docs/deploy.md walks through build, push, deploy and scaling.
//
// No account keys anywhere: storage rejects shared keys, Log Analytics rejects its workspace key, the registry has no
// admin user; every workload uses its own user-assigned managed identity with only the roles it needs.

targetScope = 'resourceGroup'

@description('Azure region. Serverless GPUs exist only in some regions (see docs/deploy.md).')
param location string = resourceGroup().location

@description('Short prefix of every resource name: lowercase letters and digits (it is part of the storage account and registry names).')
@minLength(3)
@maxLength(9)
param namePrefix string = 'cloudseg'

@description('Serverless GPU of the segmenter.')
@allowed([
  'T4'
  'A100'
])
param gpuType string = 'T4'

@description('Most segmenter replicas (one GPU each) the queue backlog may scale out to.')
@minValue(1)
@maxValue(1000)
param maxReplicas int = 10

@description('Segmenter replicas kept warm; 0 scales to zero when the queue is empty (pay nothing, cold start on the next upload).')
@minValue(0)
param minReplicas int = 0

@description('Image tag of all three images, e.g. a git commit.')
param imageTag string = 'latest'

@description('Image tag of the functions image (defaults to imageTag).')
param functionsImageTag string = imageTag

@description('Image tag of the dashboard image (defaults to imageTag).')
param dashboardImageTag string = imageTag

@description('Image tag of the training image (defaults to imageTag).')
param trainingImageTag string = imageTag

@description('False on the very first deployment: creates the registry and everything else but the apps and the job, so the images can be pushed before anything pulls them.')
param deployApps bool = true

@description('Cron (6 fields with seconds, UTC) at which the functions check datasets/ and start a training run when it changed (the only schedule: the job itself has none).')
param retrainCheckSchedule string = '0 0 */6 * * *'

@description('Run training on the GPU profile (needs the CUDA training image, see infra/docker/training.Dockerfile) instead of 4 vCPUs.')
param trainingOnGpu bool = false

@description('Longest a training run may take, in seconds.')
@minValue(600)
param trainingTimeoutSeconds int = 14400

@description('Dashboard sign-in: OpenID Connect authority, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.')
param oidcAuthority string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

@description('Dashboard sign-in: client (application) ID of the app registration.')
param oidcClientId string = ''

@secure()
@description('Dashboard sign-in: client secret of the app registration (kept as a Container Apps secret).')
param oidcClientSecret string = ''

@description('App role whose members may upload, retry, delete, promote and start training in the dashboard.')
param dashboardWriterRole string = 'CloudSeg.Writer'

param tags object = {
  application: 'cloudseg'
}

var suffix = uniqueString(resourceGroup().id)
// Names are computed here, not read from module outputs, so that every resource and role assignment name is known
// before the deployment starts (what-if can then predict the whole deployment).
var storageAccountName = take('st${namePrefix}${suffix}', 24)
var identityNames = {
  functions: 'id-${namePrefix}-functions'
  dashboard: 'id-${namePrefix}-dashboard'
  training: 'id-${namePrefix}-training'
}
var trainingJobName = 'job-${namePrefix}-training'

// Built-in data-plane roles (IDs are the same in every tenant).
var roles = {
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  queueDataReader: '19e7f393-937e-4f77-808e-94535e297925'
  queueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: storageAccountName
    tags: tags
  }
}

module events 'modules/events.bicep' = {
  name: 'events'
  dependsOn: [
    storage
  ]
  params: {
    location: location
    storageAccountName: storageAccountName
    tags: tags
  }
}

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: {
    location: location
    names: identityNames
    tags: tags
  }
}

// The segmenter reads uploads, writes results, reads the registry, consumes the queue (and moves poison messages),
// writes the index; the Functions host also keeps its leases and timer state in blobs.
module functionsAccess 'modules/storage-access.bicep' = {
  name: 'functions-access'
  dependsOn: [
    storage
    identities
  ]
  params: {
    storageAccountName: storageAccountName
    identityName: identityNames.functions
    accountRoleIds: [
      roles.blobDataContributor
      roles.queueDataContributor
      roles.tableDataContributor
    ]
  }
}

// The dashboard uploads, reads results, deletes and promotes (blobs), edits the index and training runs (tables),
// re-queues a retried image and reads queue depths; it never consumes messages.
module dashboardAccess 'modules/storage-access.bicep' = {
  name: 'dashboard-access'
  dependsOn: [
    storage
    identities
  ]
  params: {
    storageAccountName: storageAccountName
    identityName: identityNames.dashboard
    accountRoleIds: [
      roles.blobDataContributor
      roles.tableDataContributor
    ]
    queueRoles: [
      { queue: 'segment-requests', roleId: roles.queueDataMessageSender }
      { queue: 'segment-requests', roleId: roles.queueDataReader }
      { queue: 'segment-requests-poison', roleId: roles.queueDataReader }
    ]
  }
}

// Training reads datasets/, writes models/ (its package, the current pointer) and its run row in trainingruns;
// nothing else: no uploads or results, no image index, no queues.
module trainingAccess 'modules/storage-access.bicep' = {
  name: 'training-access'
  dependsOn: [
    storage
    identities
  ]
  params: {
    storageAccountName: storageAccountName
    identityName: identityNames.training
    containerRoles: [
      { container: 'datasets', roleId: roles.blobDataReader }
      { container: 'models', roleId: roles.blobDataContributor }
    ]
    tableRoles: [
      { table: 'trainingruns', roleId: roles.tableDataContributor }
    ]
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  dependsOn: [
    identities
  ]
  params: {
    location: location
    name: 'cr${namePrefix}${suffix}'
    tags: tags
    pullIdentityNames: [
      identityNames.functions
      identityNames.dashboard
      identityNames.training
    ]
  }
}

module containerEnvironment 'modules/environment.bicep' = {
  name: 'container-environment'
  params: {
    location: location
    namePrefix: namePrefix
    gpuType: gpuType
    tags: tags
  }
}

var registryServer = registry.outputs.loginServer

module training 'modules/training-job.bicep' = if (deployApps) {
  name: 'training-job'
  dependsOn: [
    trainingAccess
  ]
  params: {
    location: location
    name: trainingJobName
    tags: tags
    environmentId: containerEnvironment.outputs.environmentId
    image: '${registryServer}/cloudseg-training:${trainingImageTag}'
    registryServer: registryServer
    identity: identities.outputs.training
    storageAccountName: storageAccountName
    workloadProfileName: trainingOnGpu ? containerEnvironment.outputs.gpuProfileName : 'Consumption'
    replicaResources: trainingOnGpu ? containerEnvironment.outputs.gpuReplicaResources : { cpu: 4, memory: '8Gi' }
    timeoutSeconds: trainingTimeoutSeconds
  }
}

// Only the functions start training; the dashboard's "Retrain now" leaves a request the functions act on.
module trainingOperators 'modules/job-operator.bicep' = if (deployApps) {
  name: 'training-job-operators'
  dependsOn: [
    training
  ]
  params: {
    jobName: trainingJobName
    identityNames: [
      identityNames.functions
    ]
  }
}

module functionsApp 'modules/functions-app.bicep' = if (deployApps) {
  name: 'functions-app'
  dependsOn: [
    functionsAccess
    trainingOperators
  ]
  params: {
    location: location
    name: 'func-${namePrefix}-segment'
    tags: tags
    environmentId: containerEnvironment.outputs.environmentId
    workloadProfileName: containerEnvironment.outputs.gpuProfileName
    replicaResources: containerEnvironment.outputs.gpuReplicaResources
    image: '${registryServer}/cloudseg-functions:${functionsImageTag}'
    registryServer: registryServer
    identity: identities.outputs.functions
    storageAccountName: storageAccountName
    trainingJobName: trainingJobName
    retrainCheckSchedule: retrainCheckSchedule
    minReplicas: minReplicas
    maxReplicas: maxReplicas
  }
}

module dashboardApp 'modules/dashboard-app.bicep' = if (deployApps) {
  name: 'dashboard-app'
  dependsOn: [
    dashboardAccess
  ]
  params: {
    location: location
    name: 'ca-${namePrefix}-dashboard'
    tags: tags
    environmentId: containerEnvironment.outputs.environmentId
    image: '${registryServer}/cloudseg-dashboard:${dashboardImageTag}'
    registryServer: registryServer
    identity: identities.outputs.dashboard
    storageAccountName: storageAccountName
    trainingSchedule: retrainCheckSchedule
    oidcAuthority: oidcAuthority
    oidcClientId: oidcClientId
    oidcClientSecret: oidcClientSecret
    writerRole: dashboardWriterRole
  }
}

output storageAccountName string = storage.outputs.name
output registryName string = registry.outputs.name
output registryLoginServer string = registryServer
output containerAppsEnvironment string = containerEnvironment.outputs.environmentName
output logAnalyticsWorkspace string = containerEnvironment.outputs.workspaceName
output gpuWorkloadProfile string = containerEnvironment.outputs.gpuProfileName
output functionsAppName string = deployApps ? functionsApp!.outputs.name : ''
output trainingJobName string = deployApps ? training!.outputs.name : ''
output dashboardUrl string = deployApps ? dashboardApp!.outputs.url : ''

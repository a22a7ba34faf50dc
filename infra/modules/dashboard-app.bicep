// The dashboard: a Blazor Server app behind external HTTPS ingress on the Consumption profile. It signs users in
// with OpenID Connect (Microsoft Entra ID or any provider) and reaches storage only with its own identity.

param location string
param name string
param tags object = {}
param environmentId string
param image string
param registryServer string

@description('The user-assigned identity: { id, clientId }.')
param identity object

param storageAccountName string

@description('Cron of the functions\' retraining check, shown on the training page.')
param trainingSchedule string

@description('OpenID Connect authority, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.')
param oidcAuthority string

@description('OpenID Connect client (application) ID.')
param oidcClientId string

@secure()
@description('OpenID Connect client secret; stored as a Container Apps secret, never in plain settings.')
param oidcClientSecret string

@description('App role whose members may upload, retry, delete, promote and start training.')
param writerRole string

@minValue(1)
param maxReplicas int = 3

var secrets = empty(oidcClientSecret) ? [] : [
  {
    name: 'oidc-client-secret'
    value: oidcClientSecret
  }
]
var secretSettings = empty(oidcClientSecret) ? [] : [
  { name: 'Authentication__OpenIdConnect__ClientSecret', secretRef: 'oidc-client-secret' }
]

var settings = [
  { name: 'AZURE_CLIENT_ID', value: identity.clientId }
  { name: 'Storage__ManagedIdentityClientId', value: identity.clientId }
  { name: 'Storage__BlobServiceUri', value: 'https://${storageAccountName}.blob.${environment().suffixes.storage}' }
  { name: 'Storage__QueueServiceUri', value: 'https://${storageAccountName}.queue.${environment().suffixes.storage}' }
  { name: 'Storage__TableServiceUri', value: 'https://${storageAccountName}.table.${environment().suffixes.storage}' }
  // Event Grid delivers the BlobCreated of every upload: the upload path must not queue a second one.
  { name: 'Storage__AnnounceUploads', value: 'false' }
  { name: 'Dashboard__TrainingSchedule', value: trainingSchedule }
  // A real account is never local mode: sign-in is required.
  { name: 'Dashboard__Security__LocalMode', value: 'false' }
  { name: 'Dashboard__Security__WriterRole', value: writerRole }
  { name: 'Authentication__OpenIdConnect__Authority', value: oidcAuthority }
  { name: 'Authentication__OpenIdConnect__ClientId', value: oidcClientId }
  // TLS ends at the ingress; the app must see https to build correct sign-in redirect URIs.
  { name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED', value: 'true' }
]

resource app 'Microsoft.App/containerApps@2025-07-01' = {
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
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
        // Blazor Server keeps a circuit per browser on one replica.
        stickySessions: {
          affinity: 'sticky'
        }
      }
      registries: [
        {
          server: registryServer
          identity: identity.id
        }
      ]
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'dashboard'
          image: image
          env: concat(settings, secretSettings)
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/alive'
                port: 8080
              }
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/health'
                port: 8080
              }
            }
          ]
        }
      ]
      scale: {
        // One warm replica: a dashboard that cold-starts on every visit feels broken.
        minReplicas: 1
        maxReplicas: maxReplicas
      }
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.configuration.ingress.fqdn}'

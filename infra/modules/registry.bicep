// The container registry for the three images. No admin user and no anonymous pull: the workloads pull with their
// managed identities (AcrPull), and people push with `az acr build` under their own Entra ID sign-in.

param location string

@description('Globally unique registry name (5-50 letters and digits).')
@minLength(5)
@maxLength(50)
param name string

param tags object = {}

@description('Names of the user-assigned identities (same resource group) that pull images.')
param pullIdentityNames string[]

var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    // Basic is enough for three images; Premium adds artifact streaming, which shortens GPU cold starts.
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource pullIdentities 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = [
  for identityName in pullIdentityNames: {
    name: identityName
  }
]

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (identityName, i) in pullIdentityNames: {
    name: guid(registry.id, pullIdentities[i].id, acrPullRoleId)
    scope: registry
    properties: {
      principalId: pullIdentities[i].properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    }
  }
]

output name string = registry.name
output loginServer string = registry.properties.loginServer

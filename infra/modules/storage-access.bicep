// Data-plane roles for one principal on the storage account: account-wide roles (blob, queue, table data) and
// roles on single queues (for principals that only send to one queue).

param storageAccountName string

@description('Name of the user-assigned identity (same resource group) that gets the roles.')
param identityName string

@description('Built-in role definition IDs (GUIDs) assigned at the storage account scope.')
param accountRoleIds string[] = []

@description('Roles on single queues: [{ queue: name, roleId: GUID }].')
param queueRoles { queue: string, roleId: string }[] = []

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource queueService 'queueServices' existing = {
    name: 'default'
  }
}

resource accountAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in accountRoleIds: {
    name: guid(account.id, identity.id, roleId)
    scope: account
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' existing = [
  for grant in queueRoles: {
    parent: account::queueService
    name: grant.queue
  }
]

resource queueAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in queueRoles: {
    name: guid(queues[i].id, identity.id, grant.roleId)
    scope: queues[i]
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
    }
  }
]

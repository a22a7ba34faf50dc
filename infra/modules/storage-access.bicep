// Data-plane roles for one principal on the storage account: account-wide roles (blob, queue, table data) and
// roles on single queues, blob containers or tables (for principals that need only a part of the account).

param storageAccountName string

@description('Name of the user-assigned identity (same resource group) that gets the roles.')
param identityName string

@description('Built-in role definition IDs (GUIDs) assigned at the storage account scope.')
param accountRoleIds string[] = []

@description('Roles on single queues: [{ queue: name, roleId: GUID }].')
param queueRoles { queue: string, roleId: string }[] = []

@description('Roles on single blob containers: [{ container: name, roleId: GUID }].')
param containerRoles { container: string, roleId: string }[] = []

@description('Roles on single tables: [{ table: name, roleId: GUID }].')
param tableRoles { table: string, roleId: string }[] = []

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource queueService 'queueServices' existing = {
    name: 'default'
  }

  resource blobService 'blobServices' existing = {
    name: 'default'
  }

  resource tableService 'tableServices' existing = {
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

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = [
  for grant in containerRoles: {
    parent: account::blobService
    name: grant.container
  }
]

resource containerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in containerRoles: {
    name: guid(containers[i].id, identity.id, grant.roleId)
    scope: containers[i]
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
    }
  }
]

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' existing = [
  for grant in tableRoles: {
    parent: account::tableService
    name: grant.table
  }
]

resource tableAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in tableRoles: {
    name: guid(tables[i].id, identity.id, grant.roleId)
    scope: tables[i]
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
    }
  }
]

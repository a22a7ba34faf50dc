// One user-assigned identity per workload, so each gets only the roles it needs and can be told apart in the
// storage logs. User-assigned (not system-assigned) because the role assignments must exist before the apps start:
// the image pull from the registry and the first storage call already use them.

param location string
@description('Names of the identities: { functions, dashboard, training }.')
param names { functions: string, dashboard: string, training: string }
param tags object = {}

resource functions 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: names.functions
  location: location
  tags: tags
}

resource dashboard 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: names.dashboard
  location: location
  tags: tags
}

resource training 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: names.training
  location: location
  tags: tags
}

output functions object = {
  id: functions.id
  clientId: functions.properties.clientId
}
output dashboard object = {
  id: dashboard.id
  clientId: dashboard.properties.clientId
}
output training object = {
  id: training.id
  clientId: training.properties.clientId
}

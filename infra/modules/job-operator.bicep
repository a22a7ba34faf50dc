// Least privilege for starting training: a custom role that can read the training job, start an execution and
// read the executions' status, assigned on that one job. Built-in Contributor would also let the functions
// and the dashboard rewrite the job (image, command, identity).

param jobName string

@description('Names of the user-assigned identities (same resource group) that may start training.')
param identityNames string[]

resource job 'Microsoft.App/jobs@2025-07-01' existing = {
  name: jobName
}

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'cloudseg-training-job-operator')
  properties: {
    // Role names are unique per tenant, so the resource group's ID goes into the name.
    roleName: 'CloudSeg training job operator (${uniqueString(resourceGroup().id)})'
    description: 'Start and watch executions of the CloudSeg training job; nothing else.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: [
          'Microsoft.App/jobs/read'
          'Microsoft.App/jobs/start/action'
          'Microsoft.App/jobs/executions/read'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

resource identities 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = [
  for identityName in identityNames: {
    name: identityName
  }
]

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (identityName, i) in identityNames: {
    name: guid(job.id, identities[i].id, role.id)
    scope: job
    properties: {
      principalId: identities[i].properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: role.id
    }
  }
]

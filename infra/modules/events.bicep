// BlobCreated events of the uploads container, delivered by Event Grid to the segment-requests queue in the Event
// Grid event schema: exactly the message the functions' SegmentImage reads (the local runner writes the same shape).
// Delivery uses the system topic's own managed identity, because the account accepts no shared key.

param location string
param storageAccountName string
param tags object = {}

@description('Container whose new blobs are segmented.')
param uploadsContainer string = 'uploads'

@description('Queue that receives the events.')
param queueName string = 'segment-requests'

// Storage Queue Data Message Sender: add messages, nothing else.
var queueSenderRoleId = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource queueService 'queueServices' existing = {
    name: 'default'

    resource queue 'queues' existing = {
      name: queueName
    }
  }
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: 'evgt-${storageAccountName}'
  location: location
  tags: tags
  identity: {
    // System-assigned: the only kind Event Grid can use if the account later gets firewall rules.
    type: 'SystemAssigned'
  }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource sendToQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::queueService::queue.id, topic.id, queueSenderRoleId)
  scope: account::queueService::queue
  properties: {
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueSenderRoleId)
  }
}

resource uploadsToQueue 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'uploads-to-${queueName}'
  // Event Grid validates the destination when the subscription is created, with the role already in place.
  dependsOn: [
    sendToQueue
  ]
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${uploadsContainer}/blobs/'
      // Blob creations are never empty-subject; keep case as uploaded (names are case-sensitive).
      isSubjectCaseSensitive: true
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: account.id
          queueName: queueName
          // -1 = never expire: a backlog waiting for GPU quota must not silently age out after 7 days.
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output topicName string = topic.name

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as mqttAdapter from '../../../src/mqtt/index.js';

test('the adapter entry point exports its public API', () => {
  const names = ['DeviceTopics', 'TOPIC_TABLE', 'LWT_PAYLOAD', 'DEFAULT_TOPIC_PREFIX', 'sanitize', 'isSecretName', 'maskIdentities', 'MqttPublisher', 'CommandRouter', 'COMMAND_ERRORS', 'HealthReporter', 'startLocalBroker', 'findMosquitto',
    'inboundParser', 'stopStaleBroker', 'loadTlsOptions', 'clientCertCn', 'TlsConfigError', 'describeConnectFailure', 'MqttError', 'CommandError', 'BrokerUnavailableError', 'createBrokerAccounts', 'readCredentialFile', 'assertPrivate', 'ROLES', 'ROLE_GRANTS', 'mosquittoAcl'];
  assert.deepEqual(Object.keys(mqttAdapter).sort(), [...names].sort());
  assert.equal(new mqttAdapter.DeviceTopics(mqttAdapter.DEFAULT_TOPIC_PREFIX, 'd').state('status').full, 'bcastd/v1/d/status');
});

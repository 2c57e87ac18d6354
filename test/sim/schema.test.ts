// Every endpoint and method of the API schema has a handler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_ENDPOINTS } from './generated/api-schema';
import { findRoute } from './routes';

function concrete(path: string): string {
  return path
    .replace('{node}', 'pve1')
    .replace('{vmid}', '100')
    .replace('{vnet}', 'vnet1')
    .replace('{group}', 'web')
    .replace('{pos}', '0')
    .replace('{name}', 'office')
    .replace('{cidr}', '10.0.0.0/8');
}

test('every method of every endpoint is routed to a handler', () => {
  let methods = 0;
  for (const endpoint of API_ENDPOINTS) {
    for (const method of Object.keys(endpoint.methods)) {
      const route = findRoute(method, concrete(endpoint.path));
      assert.ok(route, `${method} ${endpoint.path}`);
      assert.equal(route.method.name, endpoint.methods[method as 'GET']!.name);
      methods++;
    }
  }
  assert.equal(methods, 94);
});

// Simulates one packet through small configurations given as text, in upstream's test world.
import {
  PROXMOX_TEST_TOPOLOGY,
  prepareSimulation,
  simulatePacket,
  type SimulateRequest,
} from '../../../server/src/core/simulate';
import { compileTexts, type Texts } from '../compile/helpers';

export function simulate(
  texts: Texts,
  request: SimulateRequest,
): ReturnType<typeof simulatePacket> {
  const rulesets = prepareSimulation(compileTexts(texts, PROXMOX_TEST_TOPOLOGY));
  return simulatePacket(rulesets, PROXMOX_TEST_TOPOLOGY, request);
}

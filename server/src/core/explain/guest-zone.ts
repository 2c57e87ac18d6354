// The bridge port of a guest's NIC as the zone pvefw simulate names it: tap100i0 is VM 100's
// net0 (vm100i0), veth100i0 container 100's (ct100i0). Both backends log these ports.
const GUEST_DEVICE = /^(?:tap|veth)[0-9]+i[0-9]+$/;

/** The zone of a guest NIC's bridge port; undefined for any other device. */
export function guestZone(device: string | undefined): string | undefined {
  if (device === undefined || !GUEST_DEVICE.test(device)) return undefined;
  return device.startsWith('tap')
    ? `vm${device.slice('tap'.length)}`
    : `ct${device.slice('veth'.length)}`;
}

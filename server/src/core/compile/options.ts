import type { FwConfig } from '../model';
import { perlTrue } from '../syntax';
import { LOG_LEVEL_NUMBER } from './rule-spec';

/** An option's stored value, or undefined when the file or the line is absent. */
export function optionValue(config: FwConfig | undefined, key: string): string | undefined {
  return config?.options.get(key)?.value;
}

/** `$options->{key}` in a Perl boolean context. */
export function optionTrue(config: FwConfig | undefined, key: string): boolean {
  return perlTrue(optionValue(config, key));
}

/** `defined($options->{key}) && $options->{key} == 0`: an explicit off switch. */
export function optionOff(config: FwConfig | undefined, key: string): boolean {
  const value = optionValue(config, key);
  return value !== undefined && Number(value) === 0;
}

/** get_option_log_level: the level name to log with, or undefined for no logging. */
export function optionLogLevel(config: FwConfig | undefined, key: string): string | undefined {
  const value = optionValue(config, key) ?? 'nolog';
  if (value === '' || value === 'nolog') return undefined;
  return LOG_LEVEL_NUMBER[value] !== undefined ? value : undefined;
}

/**
 * The `-m limit` arguments pve-firewall puts on every log rule, from cluster option
 * log_ratelimit (a property string `[enable=]0|1,rate=N/unit,burst=N`); undefined = no limit.
 */
export function logRatelimit(cluster: FwConfig | undefined): string | undefined {
  const text = optionValue(cluster, 'log_ratelimit');
  if (text === undefined) return '--limit 1/sec';
  const values = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) values.set('enable', part);
    else values.set(part.slice(0, eq), part.slice(eq + 1));
  }
  if (!/^(1|on|yes|true)$/i.test(values.get('enable') ?? '')) return undefined;
  let limit = '--limit 1/sec';
  const rate = values.get('rate');
  if (perlTrue(rate)) limit = `--limit ${rate}`;
  const burst = values.get('burst');
  if (perlTrue(burst)) limit += ` --limit-burst ${burst}`;
  return limit;
}

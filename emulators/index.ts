import { AnthropicEmulator } from './anthropic-emulator';
import { FathomEmulator } from './fathom-emulator';
import { GoogleEmulator } from './google-emulator';
import type { HttpEmulator } from './http-emulator';
import { SlackEmulator } from './slack-emulator';

/**
 * Starts every local emulator, for tests and the no-accounts demo. `urls` holds exactly the
 * value each real client's base-URL option takes, so callers never assemble paths themselves.
 */
export type EmulatedService = 'slack' | 'fathom' | 'anthropic' | 'google';

export interface LocalEmulatorsOptions {
  /** Fixed ports (e.g. for the demo); 0 or absent picks a free one. */
  ports?: Partial<Record<EmulatedService, number>>;
  /** The Anthropic account's tier as its rate-limit headers state it (a low tier's 50 requests a minute by default). */
  anthropicRequestsPerMinute?: number;
}

export interface LocalEmulators {
  slack: SlackEmulator;
  fathom: FathomEmulator;
  anthropic: AnthropicEmulator;
  google: GoogleEmulator;
  urls: {
    /** `new WebClient(token, { slackApiUrl })` */
    slackApi: string;
    /** Base for `/meetings` and `/recordings/...` (fathom-typescript's `serverURL`). */
    fathomApi: string;
    /** `new Anthropic({ baseURL })` */
    anthropic: string;
    /** googleapis `rootUrl` for Gmail and Calendar. */
    googleRoot: string;
    /** `new OAuth2Client({ endpoints: { oauth2TokenUrl } })` */
    googleToken: string;
    /** `new OAuth2Client({ endpoints: { oauth2RevokeUrl } })` */
    googleRevoke: string;
  };
  stop(): Promise<void>;
}

export async function startLocalEmulators(options: LocalEmulatorsOptions = {}): Promise<LocalEmulators> {
  const slack = new SlackEmulator();
  const fathom = new FathomEmulator();
  const anthropic = new AnthropicEmulator({ requestsPerMinute: options.anthropicRequestsPerMinute });
  const google = new GoogleEmulator();
  const all: [EmulatedService, HttpEmulator][] = [
    ['slack', slack],
    ['fathom', fathom],
    ['anthropic', anthropic],
    ['google', google],
  ];
  const stop = async () => {
    await Promise.all(all.map(([, emulator]) => emulator.stop()));
  };
  try {
    await Promise.all(all.map(([service, emulator]) => emulator.start(options.ports?.[service] ?? 0)));
  } catch (error) {
    // Leave no half-started set listening when one port is taken.
    await stop();
    throw error;
  }
  return {
    slack,
    fathom,
    anthropic,
    google,
    urls: {
      slackApi: `${slack.url}/api/`,
      fathomApi: `${fathom.url}/external/v1`,
      anthropic: anthropic.url,
      googleRoot: `${google.url}/`,
      googleToken: `${google.url}/token`,
      googleRevoke: `${google.url}/revoke`,
    },
    stop,
  };
}

/**
 * The settings that point the worker and the API at running emulators (the demo and the
 * benchmarks), as environment variables the app reads with `loadConfig`.
 */
export function emulatorEnvironment(options: {
  emulators: LocalEmulators;
  hubspot: { url: string; oauthClient: { clientId: string; clientSecret: string } };
  /** A key registered with the Anthropic emulator. */
  anthropicKey: string;
  /** Replaces the HubSpot URL the app is given, e.g. a fault-injecting proxy in front of it. */
  hubspotUrl?: string;
}): Record<string, string> {
  const { emulators, hubspot } = options;
  return {
    SLACK_API_URL: emulators.urls.slackApi,
    SLACK_RESPONSE_URL_HOSTS: emulators.slack.url,
    FATHOM_API_URL: emulators.urls.fathomApi,
    AI_DRAFTER: 'claude',
    ANTHROPIC_API_KEY: options.anthropicKey,
    ANTHROPIC_BASE_URL: emulators.urls.anthropic,
    HUBSPOT_API_URL: options.hubspotUrl ?? hubspot.url,
    HUBSPOT_CLIENT_ID: hubspot.oauthClient.clientId,
    HUBSPOT_CLIENT_SECRET: hubspot.oauthClient.clientSecret,
    GOOGLE_API_URL: emulators.urls.googleRoot,
    GOOGLE_TOKEN_URL: emulators.urls.googleToken,
    GOOGLE_CLIENT_ID: 'emulated-google-client',
    GOOGLE_CLIENT_SECRET: 'emulated-google-secret',
  };
}

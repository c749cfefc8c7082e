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
  const anthropic = new AnthropicEmulator();
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

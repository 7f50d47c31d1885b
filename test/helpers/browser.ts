/** Debian's Chromium driven by playwright-core, with a WAV file as its microphone. */
import { chromium, type BrowserContext } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PcmFrame } from '../../src/audio/frame.js';
import { resample } from '../../src/audio/resampler.js';
import { writeWav } from '../../src/audio/wav.js';
import { tempDir } from './server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

/**
 * Launch Chromium whose fake microphone plays `mic` (looped by Chromium). The file is written at
 * 48 kHz, the rate of Chromium's fake capture device, so nothing is resampled on the way in.
 */
export async function launchWithMicrophone(mic: PcmFrame, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  const dir = tempDir('chromium');
  const wav = join(dir, 'microphone.wav');
  const at48k = mic.sampleRate === 48000 ? mic : await resample(mic, 48000);
  await writeWav(wav, [at48k.samples], 48000);
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--no-sandbox',
      '--disable-gpu',
      // Without these Chromium tries to reach Google's services, which this closed network refuses.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

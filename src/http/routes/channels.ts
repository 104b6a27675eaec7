import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CHANNEL_KINDS } from '../../channels/channel.js';
import type { ChannelSettings, SettingsResult } from '../../channels/settings.js';
import { AppError } from '../../platform/errors.js';
import { defineRoute, type RouteDef } from '../route.js';

const channelParams = z.strictObject({ channel: z.enum(CHANNEL_KINDS) });
/** `{ provider, config }`, checked by ChannelSettings.put, which may keep stored secrets left out. */
const settingsBody = z.record(z.string(), z.unknown());
const testBody = z.strictObject({
  /** An e-mail, an E.164 phone, a WeChat openid, a device token, a webhook recipient. */
  to: z.string().trim().min(1).max(2000),
  subject: z.string().max(1000).optional(),
  body: z.string().max(100_000).optional(),
  templateId: z.string().min(1).max(200).optional(),
  params: z.union([z.record(z.string(), z.string()), z.array(z.string())]).optional(),
});

function unwrap<T>(r: SettingsResult<T>): T {
  if (r.ok) return r.value;
  throw new AppError(r.code, r.message, r.issues);
}

/** Channels: which provider each channel of the workspace sends through, its credentials, a test send. */
export function channelRoutes(settings: ChannelSettings): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/channels',
      role: 'marketer',
      tag: 'channels',
      summary: 'Every configured channel with its provider and settings, secrets redacted',
      handler: ({ caller }) => Promise.resolve({ channels: settings.list(caller.workspaceId) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/channels/:channel',
      role: 'marketer',
      tag: 'channels',
      summary: "One channel's provider and settings, secrets redacted",
      params: channelParams,
      handler: async ({ params, caller }) => {
        const view = settings.get(caller.workspaceId, params.channel);
        if (!view) throw new AppError('not_found', `the ${params.channel} channel is not configured`);
        return view;
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/channels/:channel',
      role: 'admin',
      tag: 'channels',
      summary:
        'Set the provider and its settings ({ provider, config }); a secret left out, or sent back redacted, keeps the stored one',
      params: channelParams,
      body: settingsBody,
      success: { description: 'the stored settings, secrets redacted' },
      handler: async ({ params, body, caller }) =>
        unwrap(await settings.put(caller.workspaceId, params.channel, body, caller.apiKeyId)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/channels/:channel',
      role: 'admin',
      tag: 'channels',
      summary: "Remove a channel's settings and credentials; nothing is sent on it afterwards",
      params: channelParams,
      handler: async ({ params, caller }) => {
        if (!(await settings.remove(caller.workspaceId, params.channel, caller.apiKeyId))) {
          throw new AppError('not_found', `the ${params.channel} channel is not configured`);
        }
        return { channel: params.channel, removed: true };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/channels/:channel/test',
      role: 'admin',
      tag: 'channels',
      summary: 'Send one real message through the channel and answer what the provider said',
      params: channelParams,
      body: testBody,
      success: { description: "the send's outcome: sent, or failed with whether a retry could pass" },
      handler: async ({ params, body, caller }) => {
        const adapter = settings.adapter(caller.workspaceId, params.channel);
        if (!adapter) {
          const problem = settings.get(caller.workspaceId, params.channel)?.problem;
          if (problem)
            throw new AppError('conflict', `the ${params.channel} settings cannot be used: ${problem}`);
          throw new AppError('not_found', `the ${params.channel} channel is not configured`);
        }
        // A key of its own: a test is never a retry of an earlier message.
        return adapter.send({ channel: params.channel, ...body, idempotencyKey: `test:${randomUUID()}` });
      },
    }),
  ];
}

import type { Database } from './duckdb.js';

/**
 * Schema migrations, applied in order, each once, each in its own transaction.
 * Append new ones; never edit one that has shipped.
 *
 * The tables carry `workspace_id` first: it is the distribution key when the schema moves to
 * a distributed PostgreSQL (DESIGN.md, Storage).
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string[] }> = [
  {
    version: 1,
    name: 'foundation',
    sql: [
      `CREATE TABLE workspaces (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE sources (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        write_key_hash VARCHAR NOT NULL UNIQUE,
        write_key_hint VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        disabled_at TIMESTAMP
      )`,
      `CREATE TABLE api_keys (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        key_hash VARCHAR NOT NULL UNIQUE,
        key_hint VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
      )`,
      // Events: one row per accepted Segment-spec message. seq is the commit order.
      // Columns used for scans (workspace, event name, identifiers, timestamp) are plain columns;
      // the payload objects are JSON text in VARCHAR columns: DuckDB's json_* functions read them
      // all the same, and appending VARCHAR is about twice as fast as the JSON type, which
      // re-validates each value on insert.
      `CREATE TABLE events (
        seq BIGINT NOT NULL,
        workspace_id VARCHAR NOT NULL,
        source_id VARCHAR NOT NULL,
        message_id VARCHAR NOT NULL,
        fp_hi UINTEGER NOT NULL,
        fp_lo UINTEGER NOT NULL,
        type VARCHAR NOT NULL,
        event VARCHAR,
        name VARCHAR,
        user_id VARCHAR,
        anonymous_id VARCHAR,
        group_id VARCHAR,
        previous_id VARCHAR,
        timestamp TIMESTAMP NOT NULL,
        original_timestamp TIMESTAMP,
        sent_at TIMESTAMP,
        received_at TIMESTAMP NOT NULL,
        properties VARCHAR,
        traits VARCHAR,
        context VARCHAR,
        integrations VARCHAR,
        extra VARCHAR
      )`,
      // The highest ingest-log entry loaded into this store (see collect/ingest-log.ts).
      `CREATE TABLE ingest_state (loaded_lsn BIGINT NOT NULL)`,
      `INSERT INTO ingest_state VALUES (0)`,
      `CREATE TABLE rejected_records (
        id VARCHAR NOT NULL,
        workspace_id VARCHAR NOT NULL,
        source_id VARCHAR,
        origin VARCHAR NOT NULL,
        origin_ref VARCHAR,
        code VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        payload VARCHAR NOT NULL,
        received_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        attempts INTEGER NOT NULL,
        resolved_at TIMESTAMP
      )`,
      `CREATE TABLE imports (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        source_id VARCHAR NOT NULL,
        mapping VARCHAR NOT NULL,
        file_name VARCHAR,
        status VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        records BIGINT NOT NULL,
        accepted BIGINT NOT NULL,
        duplicates BIGINT NOT NULL,
        rejected BIGINT NOT NULL,
        rejected_by_code VARCHAR,
        error VARCHAR
      )`,
    ],
  },
  {
    version: 2,
    name: 'identity',
    sql: [
      // Node and edge numbers are the in-memory graph's indexes (restored in the same order).
      `CREATE TABLE identity_profiles (
        workspace_id VARCHAR NOT NULL,
        ordinal INTEGER NOT NULL,
        profile_id VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        merged_into VARCHAR
      )`,
      `CREATE TABLE identity_nodes (
        workspace_id VARCHAR NOT NULL,
        node INTEGER NOT NULL,
        id_type VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        events BIGINT NOT NULL,
        source_id VARCHAR,
        shared BOOLEAN NOT NULL
      )`,
      `CREATE TABLE identity_edges (
        workspace_id VARCHAR NOT NULL,
        edge INTEGER NOT NULL,
        node_a INTEGER NOT NULL,
        node_b INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        first_time DOUBLE NOT NULL,
        claim_first DOUBLE,
        claim_last DOUBLE,
        tie DOUBLE NOT NULL,
        seq BIGINT NOT NULL,
        state VARCHAR NOT NULL,
        reason VARCHAR
      )`,
      `CREATE TABLE identity_merges (
        workspace_id VARCHAR NOT NULL,
        from_profile VARCHAR NOT NULL,
        into_profile VARCHAR NOT NULL,
        merged_at TIMESTAMP NOT NULL,
        kind VARCHAR NOT NULL,
        edge INTEGER,
        seq BIGINT,
        detail VARCHAR
      )`,
      `CREATE TABLE identity_splits (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL,
        new_profiles VARCHAR NOT NULL,
        sides VARCHAR NOT NULL,
        culprits VARCHAR NOT NULL,
        reason VARCHAR,
        actor VARCHAR,
        split_at TIMESTAMP NOT NULL
      )`,
      // Each event's anchor: its strongest identifier; the event belongs to that node's profile,
      // or, when the anchor is shared by people one after the other, to its owner at the time.
      `CREATE TABLE identity_event_anchors (
        seq BIGINT NOT NULL,
        workspace_id VARCHAR NOT NULL,
        node INTEGER NOT NULL,
        time DOUBLE NOT NULL,
        owner INTEGER
      )`,
      `CREATE TABLE identity_state (
        workspace_id VARCHAR PRIMARY KEY,
        resolved_seq BIGINT NOT NULL,
        rules VARCHAR NOT NULL
      )`,
      `CREATE TABLE identity_blocked (
        workspace_id VARCHAR NOT NULL,
        id_type VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        rule VARCHAR NOT NULL,
        hits BIGINT NOT NULL
      )`,
      `CREATE TABLE identity_review (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        a_type VARCHAR NOT NULL,
        a_value VARCHAR NOT NULL,
        b_type VARCHAR NOT NULL,
        b_value VARCHAR NOT NULL,
        score DOUBLE NOT NULL,
        fields VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        decided_at TIMESTAMP,
        decided_by VARCHAR
      )`,
    ],
  },
  {
    version: 3,
    name: 'identity statistics as appended rows',
    sql: [
      // What every event changes of an identifier (last seen, event count) or of a link (the span
      // of its dated claims) is appended here rather than rewriting the row; folded into
      // identity_nodes / identity_edges at start and every so often. Each column only ever grows
      // one way (min or max), so the fold needs no order.
      `CREATE TABLE identity_node_stats (
        workspace_id VARCHAR NOT NULL,
        node INTEGER NOT NULL,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        events BIGINT NOT NULL,
        source_id VARCHAR
      )`,
      `CREATE TABLE identity_edge_stats (
        workspace_id VARCHAR NOT NULL,
        edge INTEGER NOT NULL,
        claim_first DOUBLE,
        claim_last DOUBLE
      )`,
    ],
  },
  {
    version: 4,
    name: 'traits and tags',
    sql: [
      // Bumped whenever every event anchor is rewritten (a rebuild): copies keyed by anchor go stale.
      `ALTER TABLE identity_state ADD COLUMN anchors_epoch BIGINT DEFAULT 0`,
      // What tags and traits compute over: one row per resolved event, with its anchor (and the
      // owner of a shared anchor at the event's time), the live profile that holds it (`pid`, the
      // profile's ordinal, kept in line as merges and unmerges move identifiers), page and screen calls named as events, and
      // the channel the event came through (web, app, miniprogram, a store…) where it says.
      `CREATE TABLE profile_facts (
        workspace_id VARCHAR NOT NULL,
        seq BIGINT NOT NULL,
        node INTEGER NOT NULL,
        owner INTEGER,
        pid INTEGER NOT NULL,
        event VARCHAR,
        ts TIMESTAMP NOT NULL,
        source_id VARCHAR,
        channel VARCHAR,
        properties VARCHAR,
        traits VARCHAR
      )`,
      // The identifier → profile map the facts' pid column was last brought in line with.
      `CREATE TABLE profile_facts_nodes (
        workspace_id VARCHAR NOT NULL,
        node INTEGER NOT NULL,
        pid INTEGER NOT NULL
      )`,
      // generation counts syncs that changed anything; reset_generation is the last one that
      // changed everything (first sync, identity rebuild): a refresh older than it cannot be patched.
      `CREATE TABLE profile_facts_state (
        workspace_id VARCHAR PRIMARY KEY,
        synced_seq BIGINT NOT NULL,
        anchors_epoch BIGINT NOT NULL,
        generation BIGINT NOT NULL,
        reset_generation BIGINT NOT NULL
      )`,
      // Profiles whose facts changed in a sync generation (new events, identifiers moved in or
      // out): what an incremental refresh recomputes.
      `CREATE TABLE profile_facts_changes (
        workspace_id VARCHAR NOT NULL,
        pid INTEGER NOT NULL,
        generation BIGINT NOT NULL
      )`,
      `CREATE TABLE trait_definitions (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        definition VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR,
        PRIMARY KEY (workspace_id, key, version)
      )`,
      `CREATE TABLE tag_definitions (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        definition VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR,
        PRIMARY KEY (workspace_id, key, version)
      )`,
      // Current values: JSON text. A profile without a value for a key has no row.
      `CREATE TABLE trait_values (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL,
        value VARCHAR NOT NULL
      )`,
      `CREATE TABLE tag_values (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL,
        value VARCHAR NOT NULL
      )`,
      // Manual and imported tags: the values people assigned.
      `CREATE TABLE tag_assignments (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        assigned_at TIMESTAMP NOT NULL,
        assigned_by VARCHAR
      )`,
      // The last refresh of each tag and trait: when, which version, how long, how many profiles.
      `CREATE TABLE tag_refreshes (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        refreshed_at TIMESTAMP NOT NULL,
        mode VARCHAR NOT NULL,
        generation BIGINT NOT NULL,
        profiles BIGINT NOT NULL,
        valued BIGINT NOT NULL,
        millis DOUBLE NOT NULL,
        PRIMARY KEY (workspace_id, key, kind)
      )`,
      // One row per tag, day and value (categorical) or per tag and day (numeric: stats in value).
      `CREATE TABLE tag_snapshots (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        day DATE NOT NULL,
        value VARCHAR NOT NULL,
        profiles BIGINT NOT NULL
      )`,
    ],
  },
  {
    version: 5,
    name: 'segments and audiences',
    sql: [
      // Every version of a segment's definition (JSON: name, kind, condition, realtime, schedule).
      `CREATE TABLE segment_definitions (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        definition VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR,
        PRIMARY KEY (workspace_id, id, version)
      )`,
      // Current members; a static segment's members are its list.
      `CREATE TABLE segment_members (
        workspace_id VARCHAR NOT NULL,
        segment_id VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL,
        entered_at TIMESTAMP NOT NULL
      )`,
      // Size after every change of membership (a refresh, or a batch of real-time changes).
      `CREATE TABLE segment_sizes (
        workspace_id VARCHAR NOT NULL,
        segment_id VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        size BIGINT NOT NULL,
        entered BIGINT NOT NULL,
        exited BIGINT NOT NULL,
        cause VARCHAR NOT NULL
      )`,
      // Where an audience is synced to; the signing secret is encrypted.
      `CREATE TABLE segment_destinations (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        segment_id VARCHAR NOT NULL,
        definition VARCHAR NOT NULL,
        secret VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (workspace_id, id)
      )`,
      // What a destination was last told it holds (the next sync sends the difference).
      `CREATE TABLE segment_destination_members (
        workspace_id VARCHAR NOT NULL,
        destination_id VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL
      )`,
      // Every delivery to a destination, with each attempt.
      `CREATE TABLE segment_deliveries (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        destination_id VARCHAR NOT NULL,
        delivered_at TIMESTAMP NOT NULL,
        added BIGINT NOT NULL,
        removed BIGINT NOT NULL,
        status VARCHAR NOT NULL,
        attempts VARCHAR NOT NULL,
        error VARCHAR
      )`,
      // Who changed or exported what, when.
      `CREATE TABLE audit_log (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR,
        action VARCHAR NOT NULL,
        target VARCHAR,
        detail VARCHAR
      )`,
    ],
  },
  {
    version: 6,
    name: 'journeys and channels',
    sql: [
      // Every version of a journey's definition (JSON) and its status.
      `CREATE TABLE journey_definitions (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        definition VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR,
        PRIMARY KEY (workspace_id, id, version)
      )`,
      // One person's pass through a journey, as it stands (rewritten in batches: no key, deleted and appended).
      `CREATE TABLE journey_instances (
        workspace_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        journey_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        profile_id VARCHAR NOT NULL,
        entry_no INTEGER NOT NULL,
        state VARCHAR NOT NULL,
        step_id VARCHAR,
        wake_at TIMESTAMP,
        variant VARCHAR,
        holdout BOOLEAN NOT NULL,
        entered_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        exit_reason VARCHAR,
        converted_at TIMESTAMP,
        revenue DOUBLE,
        context VARCHAR NOT NULL
      )`,
      // Every step an instance reached, and how it left it (per-step metrics).
      `CREATE TABLE journey_step_log (
        workspace_id VARCHAR NOT NULL,
        journey_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        instance_id VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL,
        step_id VARCHAR NOT NULL,
        reached_at TIMESTAMP NOT NULL,
        outcome VARCHAR NOT NULL
      )`,
      // The outbox: a send is written here before any provider is called; the key makes it once.
      `CREATE TABLE journey_sends (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        journey_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        step_id VARCHAR NOT NULL,
        instance_id VARCHAR NOT NULL,
        profile_id VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        message VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
      )`,
      // What became of each send, appended per attempt: sent, retry, dead, suppressed, held_out.
      `CREATE TABLE journey_send_results (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        result_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        attempt INTEGER NOT NULL,
        provider VARCHAR,
        provider_message_id VARCHAR,
        reason VARCHAR,
        next_attempt_at TIMESTAMP
      )`,
      // What came back about a send: delivered, opened, clicked, unsubscribed, bounced.
      `CREATE TABLE journey_feedback (
        workspace_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        feedback_at TIMESTAMP NOT NULL,
        detail VARCHAR
      )`,
      // How far the engine has read the event stream, and which schedule/date runs it has made.
      `CREATE TABLE journey_cursor (
        workspace_id VARCHAR PRIMARY KEY,
        seq BIGINT NOT NULL,
        updated_at TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE journey_runs (
        workspace_id VARCHAR NOT NULL,
        journey_id VARCHAR NOT NULL,
        run_key VARCHAR NOT NULL,
        ran_at TIMESTAMP NOT NULL,
        entered BIGINT NOT NULL,
        PRIMARY KEY (workspace_id, journey_id, run_key)
      )`,
      // A channel's provider per workspace: settings in the clear, credentials sealed.
      `CREATE TABLE channel_settings (
        workspace_id VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        provider VARCHAR NOT NULL,
        config VARCHAR NOT NULL,
        secrets VARCHAR NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        updated_by VARCHAR,
        PRIMARY KEY (workspace_id, channel)
      )`,
      // Addresses no message goes to, on one channel or ('*') on all.
      `CREATE TABLE suppressions (
        workspace_id VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        address VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR,
        PRIMARY KEY (workspace_id, channel, address)
      )`,
    ],
  },
  {
    version: 7,
    name: 'console users and sessions',
    sql: [
      // People who log in to the console. The password is a scrypt hash that names its own
      // parameters (governance/passwords.ts); usernames are unique per workspace, ignoring case.
      `CREATE TABLE users (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        username VARCHAR NOT NULL,
        username_key VARCHAR NOT NULL,
        display_name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        password_hash VARCHAR NOT NULL,
        disabled BOOLEAN NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        last_login_at TIMESTAMP,
        UNIQUE (workspace_id, username_key)
      )`,
      // Console sessions by the SHA-256 of their cookie token; last_seen_at is written in batches.
      `CREATE TABLE user_sessions (
        id VARCHAR PRIMARY KEY,
        workspace_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        token_hash VARCHAR NOT NULL,
        csrf_token VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        last_seen_at TIMESTAMP NOT NULL,
        ip VARCHAR,
        user_agent VARCHAR,
        ended_at TIMESTAMP,
        end_reason VARCHAR
      )`,
    ],
  },
  {
    version: 8,
    name: 'journey canvas layouts',
    sql: [
      // Where the console's canvas places each step of a journey (JSON: node id to { x, y }),
      // shared by everyone who opens it; the engine never reads it.
      `CREATE TABLE journey_layouts (
        workspace_id VARCHAR NOT NULL,
        journey_id VARCHAR NOT NULL,
        positions VARCHAR NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        updated_by VARCHAR,
        PRIMARY KEY (workspace_id, journey_id)
      )`,
    ],
  },
  {
    version: 9,
    name: 'write key rotation',
    sql: [
      // A source's former write keys (their SHA-256), honoured until expires_at so that apps
      // already shipped keep sending while they move to the new key.
      `CREATE TABLE source_retired_keys (
        source_id VARCHAR NOT NULL,
        write_key_hash VARCHAR NOT NULL UNIQUE,
        write_key_hint VARCHAR NOT NULL,
        retired_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL
      )`,
    ],
  },
];

/** Brings the database to the newest schema; returns the versions applied now. */
export async function migrate(db: Database): Promise<number[]> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`,
  );
  const done = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      for (const statement of migration.sql) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations VALUES (?, ?, ?::TIMESTAMP)', [
        migration.version,
        migration.name,
        new Date(),
      ]);
    });
    applied.push(migration.version);
  }
  return applied;
}

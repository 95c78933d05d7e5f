-- CRM records: pipelines and stages, companies, contacts, deals, notes, reminders,
-- the activity timeline and deal stage history. Every row carries its workspace_id and every
-- query filters by it. Money is minor units + ISO currency code; dates without time are
-- 'YYYY-MM-DD' text; `search_text` is the lower-cased text search runs over (see 0005).

CREATE TABLE pipelines (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    is_default    BIGINT  NOT NULL DEFAULT 0,
    position      BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX pipelines_workspace_idx ON pipelines (workspace_id, position);

CREATE TABLE stages (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    pipeline_id   BIGINT  NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    color         TEXT    NOT NULL DEFAULT '#64748b',
    -- Business rules key on the kind, never on the name.
    kind          TEXT    NOT NULL DEFAULT 'open',
    probability   BIGINT  NOT NULL DEFAULT 0,
    rotting_days  BIGINT,
    position      BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    CONSTRAINT stages_kind_check CHECK (kind IN ('open', 'won', 'lost')),
    CONSTRAINT stages_probability_check CHECK (probability BETWEEN 0 AND 100)
);
CREATE INDEX stages_pipeline_idx ON stages (pipeline_id, position);

CREATE TABLE companies (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    industry      TEXT    NOT NULL DEFAULT '',
    size          TEXT    NOT NULL DEFAULT '',
    website       TEXT    NOT NULL DEFAULT '',
    description   TEXT    NOT NULL DEFAULT '',
    owner_id      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    search_text   TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX companies_workspace_name_idx ON companies (workspace_id, name);

CREATE TABLE contacts (
    id                 INTEGER PRIMARY KEY,
    workspace_id       BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name         TEXT    NOT NULL DEFAULT '',
    last_name          TEXT    NOT NULL DEFAULT '',
    display_name       TEXT    NOT NULL,
    email              TEXT    NOT NULL DEFAULT '',
    phone              TEXT    NOT NULL DEFAULT '',
    telegram_user_id   BIGINT,
    telegram_username  TEXT    NOT NULL DEFAULT '',
    company_id         BIGINT  REFERENCES companies (id) ON DELETE SET NULL,
    owner_id           BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    search_text        TEXT    NOT NULL DEFAULT '',
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
CREATE INDEX contacts_workspace_name_idx ON contacts (workspace_id, display_name);
CREATE INDEX contacts_workspace_updated_idx ON contacts (workspace_id, updated_at);
CREATE INDEX contacts_company_idx ON contacts (company_id);
CREATE INDEX contacts_workspace_email_idx ON contacts (workspace_id, email);
CREATE INDEX contacts_workspace_telegram_idx ON contacts (workspace_id, telegram_username);

CREATE TABLE deals (
    id                   INTEGER PRIMARY KEY,
    workspace_id         BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title                TEXT    NOT NULL,
    value_minor          BIGINT  NOT NULL DEFAULT 0,
    currency             TEXT    NOT NULL DEFAULT 'USD',
    pipeline_id          BIGINT  NOT NULL REFERENCES pipelines (id),
    stage_id             BIGINT  NOT NULL REFERENCES stages (id),
    owner_id             BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    contact_id           BIGINT  REFERENCES contacts (id) ON DELETE SET NULL,
    company_id           BIGINT  REFERENCES companies (id) ON DELETE SET NULL,
    expected_close_date  TEXT,
    probability          BIGINT,
    lost_reason          TEXT    NOT NULL DEFAULT '',
    -- Order within the stage's column (fractional positions come with the board).
    position             BIGINT  NOT NULL DEFAULT 0,
    stage_entered_at     BIGINT  NOT NULL,
    search_text          TEXT    NOT NULL DEFAULT '',
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
);
CREATE INDEX deals_workspace_updated_idx ON deals (workspace_id, updated_at);
CREATE INDEX deals_stage_idx ON deals (stage_id, position);
CREATE INDEX deals_company_idx ON deals (company_id);
CREATE INDEX deals_contact_idx ON deals (contact_id);

CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id    BIGINT  REFERENCES contacts (id) ON DELETE CASCADE,
    deal_id       BIGINT  REFERENCES deals (id) ON DELETE CASCADE,
    author_id     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    body          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX notes_contact_idx ON notes (contact_id, id);
CREATE INDEX notes_deal_idx ON notes (deal_id, id);

CREATE TABLE reminders (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id    BIGINT  REFERENCES contacts (id) ON DELETE CASCADE,
    deal_id       BIGINT  REFERENCES deals (id) ON DELETE CASCADE,
    owner_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    due_at        BIGINT  NOT NULL,
    done_at       BIGINT,
    -- Set when the "due" notification went out, so it goes out once.
    notified_at   BIGINT,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX reminders_due_idx ON reminders (due_at) WHERE done_at IS NULL AND notified_at IS NULL;
CREATE INDEX reminders_owner_idx ON reminders (workspace_id, owner_id, due_at);
CREATE INDEX reminders_contact_idx ON reminders (contact_id);
CREATE INDEX reminders_deal_idx ON reminders (deal_id);

-- The timeline of a company, contact or deal.
CREATE TABLE activities (
    id            INTEGER PRIMARY KEY,
    workspace_id  BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    subject_type  TEXT    NOT NULL,
    subject_id    BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,
    -- JSON object
    data          TEXT    NOT NULL,
    actor_id      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT  NOT NULL,
    CONSTRAINT activities_subject_check CHECK (subject_type IN ('company', 'contact', 'deal'))
);
CREATE INDEX activities_subject_idx ON activities (workspace_id, subject_type, subject_id, id);

-- Every move of a deal between stages.
CREATE TABLE stage_history (
    id             INTEGER PRIMARY KEY,
    workspace_id   BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    deal_id        BIGINT  NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    from_stage_id  BIGINT  REFERENCES stages (id) ON DELETE SET NULL,
    to_stage_id    BIGINT  REFERENCES stages (id) ON DELETE SET NULL,
    actor_id       BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    reason         TEXT    NOT NULL DEFAULT '',
    source         TEXT    NOT NULL DEFAULT 'manual',
    created_at     BIGINT  NOT NULL,
    CONSTRAINT stage_history_source_check CHECK (source IN ('manual', 'automation', 'api'))
);
CREATE INDEX stage_history_deal_idx ON stage_history (deal_id, id);
CREATE INDEX stage_history_to_idx ON stage_history (to_stage_id, id);

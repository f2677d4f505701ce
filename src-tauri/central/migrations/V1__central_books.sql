-- The central books: one shop's (one HipoPay merchant's) counters, their
-- payments, refunds, shifts and audit trail, and the staff they share.
--
-- Each counter's rows are keyed by the counter and the row's id in that
-- counter's own ledger, and carry a version that only grows: a push writes a
-- row only over an older version of the same row, so a till restored from an
-- old backup can never take the books back. Counters sign in with their own
-- roles; row-level security lets a role write only the rows of the counter it
-- registered. (The database owner, which runs these migrations, is not held
-- by the policies: a shop with one role for everything still works.)

CREATE TABLE counters (
    counter       text PRIMARY KEY,
    -- The role that registered this counter: the only one that may write its rows.
    role          name NOT NULL DEFAULT current_user,
    books         text NOT NULL,
    -- The pushing ledger's identity, and the highest change number it pushed:
    -- a ledger behind that number is an older copy of it.
    ledger_id     text NOT NULL,
    last_seq      bigint NOT NULL DEFAULT 0,
    last_push_at  timestamptz,
    -- As the till last said: changes still waiting, and since when.
    outbox_depth  bigint NOT NULL DEFAULT 0,
    oldest_waiting timestamptz,
    pushed_rows   bigint NOT NULL DEFAULT 0,
    refused_rows  bigint NOT NULL DEFAULT 0,
    last_warning  text,
    registered_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shifts (
    counter     text NOT NULL REFERENCES counters (counter),
    local_id    bigint NOT NULL,
    ver         bigint NOT NULL,
    staff       text NOT NULL,
    opened_at   timestamptz NOT NULL,
    closed_at   timestamptz,
    closed_by   text,
    books       text NOT NULL,
    PRIMARY KEY (counter, local_id)
);

CREATE TABLE orders (
    counter           text NOT NULL REFERENCES counters (counter),
    local_id          bigint NOT NULL,
    ver               bigint NOT NULL,
    merchant_order_no text NOT NULL,
    shift_local_id    bigint NOT NULL,
    staff             text NOT NULL,
    wallet            text NOT NULL CHECK (wallet IN ('wechat', 'alipay')),
    flow              text NOT NULL CHECK (flow IN ('scan', 'qr')),
    status            text NOT NULL CHECK (status IN ('PENDING', 'PAID', 'FAILED', 'EXPIRED')),
    reason            text,
    amount_minor      bigint NOT NULL CHECK (amount_minor > 0),
    currency          text NOT NULL,
    subject           text NOT NULL,
    payment_no        text,
    exchange_rate     text,
    error             text,
    abandoned         boolean NOT NULL,
    needs_review      boolean NOT NULL,
    books             text NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (counter, local_id)
);
-- Our order numbers start with the counter's name: unique across the shop.
CREATE UNIQUE INDEX orders_number ON orders (merchant_order_no);
-- Years of orders: a day's report reads one narrow slice of this index.
CREATE INDEX orders_created ON orders (created_at, counter);
CREATE INDEX orders_open ON orders (counter) WHERE status = 'PENDING';

CREATE TABLE payment_attempts (
    counter     text NOT NULL REFERENCES counters (counter),
    local_id    bigint NOT NULL,
    ver         bigint NOT NULL,
    order_no    text NOT NULL,
    sent_at     timestamptz NOT NULL,
    answered_at timestamptz,
    outcome     text,
    PRIMARY KEY (counter, local_id)
);

CREATE TABLE refunds (
    counter         text NOT NULL REFERENCES counters (counter),
    local_id        bigint NOT NULL,
    ver             bigint NOT NULL,
    -- The order refunded, by our number: it may be another counter's.
    order_no        text NOT NULL,
    order_counter   text,
    shift_local_id  bigint NOT NULL,
    outer_refund_no text NOT NULL,
    amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
    currency        text NOT NULL,
    wallet          text NOT NULL,
    status          text NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED')),
    refund_no       text,
    reason          text NOT NULL,
    approved_by     text NOT NULL,
    error           text,
    needs_manager   boolean NOT NULL,
    books           text NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (counter, local_id)
);
CREATE UNIQUE INDEX refunds_number ON refunds (outer_refund_no);
CREATE INDEX refunds_order ON refunds (order_no);
CREATE INDEX refunds_created ON refunds (created_at, counter);

CREATE TABLE audit_log (
    counter    text NOT NULL REFERENCES counters (counter),
    local_id   bigint NOT NULL,
    at         timestamptz NOT NULL,
    staff      text,
    action     text NOT NULL,
    entity     text,
    entity_id  bigint,
    detail     text NOT NULL,
    PRIMARY KEY (counter, local_id)
);

-- Staff every counter shares, by name (any case): a PIN works at every counter.
CREATE TABLE staff (
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('manager', 'cashier')),
    pin_hash    text NOT NULL,
    active      boolean NOT NULL,
    ver         bigint NOT NULL,
    created_at  timestamptz NOT NULL,
    changed_by  text NOT NULL
);
CREATE UNIQUE INDEX staff_name ON staff (lower(name));

-- A person's wrong PINs in a row and their lock, at whichever counter.
CREATE TABLE staff_locks (
    name            text NOT NULL,
    failures        bigint NOT NULL,
    last_failed_at  timestamptz,
    locked_until    timestamptz,
    ver             bigint NOT NULL,
    changed_by      text NOT NULL
);
CREATE UNIQUE INDEX staff_locks_name ON staff_locks (lower(name));

-- Each day matched against HipoPay's statement: the last result.
CREATE TABLE statement_checks (
    date        date PRIMARY KEY,
    matches     boolean NOT NULL,
    report      jsonb NOT NULL,
    raw_file    text,
    checked_by  text NOT NULL,
    checked_at  timestamptz NOT NULL DEFAULT now()
);

-- Row-level security: anyone who may connect reads everything (the day's
-- books are the shop's); a counter's role writes only its counter's rows.
ALTER TABLE counters ENABLE ROW LEVEL SECURITY;
CREATE POLICY counters_read ON counters FOR SELECT USING (true);
CREATE POLICY counters_claim ON counters FOR INSERT WITH CHECK (role = current_user);
CREATE POLICY counters_own ON counters FOR UPDATE USING (role = current_user) WITH CHECK (role = current_user);

CREATE FUNCTION cashier_my_counters() RETURNS SETOF text
    LANGUAGE sql STABLE AS $$ SELECT counter FROM counters WHERE role = current_user $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['shifts', 'orders', 'payment_attempts', 'refunds', 'audit_log'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (true)', t || '_read', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (counter IN (SELECT cashier_my_counters()))', t || '_insert_own', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (counter IN (SELECT cashier_my_counters())) WITH CHECK (counter IN (SELECT cashier_my_counters()))', t || '_update_own', t);
    END LOOP;
END $$;

-- A refund at any counter: the order's row is locked (SELECT … FOR UPDATE)
-- for the rest of the caller's transaction, and what the other counters
-- have refunded of it (or may have: PENDING) is summed under that lock. It
-- runs with the owner's rights, since a counter's role may not lock another
-- counter's row itself.
CREATE FUNCTION cashier_lock_order_for_refund(p_order_no text, p_counter text)
RETURNS TABLE (counter text, merchant_order_no text, status text, wallet text, flow text,
               amount_minor bigint, currency text, payment_no text, books text,
               created_at timestamptz, subject text, refunded_elsewhere bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM orders o WHERE o.merchant_order_no = p_order_no FOR UPDATE;
    RETURN QUERY
    SELECT o.counter, o.merchant_order_no, o.status, o.wallet, o.flow, o.amount_minor, o.currency,
           o.payment_no, o.books, o.created_at, o.subject,
           COALESCE((SELECT sum(r.amount_minor) FROM refunds r
                     WHERE r.order_no = o.merchant_order_no AND r.status <> 'FAILED'
                       AND r.counter <> p_counter), 0)::bigint
    FROM orders o WHERE o.merchant_order_no = p_order_no;
END $$;

-- Every counter's role checks the schema version before its first push.
GRANT SELECT ON refinery_schema_history TO PUBLIC;
GRANT SELECT, INSERT, UPDATE ON counters, shifts, orders, payment_attempts, refunds, audit_log,
    staff, staff_locks, statement_checks TO PUBLIC;

-- Boxoffice seat writes as PL/pgSQL functions: hold, confirm and release each run as ONE statement
-- (one round trip, its own implicit transaction in autocommit). booking/services/holds.py and
-- bookings.py are their only callers; booking/services/locking.py documents the lock order they keep.
--
-- Installed by migration 0006 (CREATE OR REPLACE, so re-running is harmless). A change to this file
-- needs a new migration that runs it again (`install_seat_functions` in booking/services/locking.py).
--
-- Every function returns `outcome` ('ok' or an error code the service turns into its exception) and the
-- seat ids it concerns, and never raises for a business refusal: an exception here means contention
-- (lock_timeout 55P03, deadlock 40P01) or a broken invariant (unique violation 23505), which the caller
-- maps to 409s exactly as before.

-- The functions the services call (hold, lock segments, hold block, release, confirm, settle, cancel) run with
-- plan_cache_mode = force_generic_plan, which the functions they call inherit. Left to choose, PL/pgSQL's plan
-- cache planned their statements anew on every call (a custom plan whenever the generic plan's estimate looks
-- dearer, as it does for `= ANY($n)`), and planning was most of their cost: the seat snapshot took 115 us a call
-- against 16 us with its plan kept; a hold + release 1.3-1.7x what it costs now (docs/benchmarks/README.md). Every
-- statement here is a key or index lookup; the one whose generic plan is not (the segment lock) runs with
-- EXECUTE, planned per call whatever this says. A generic plan is made from the statistics of the moment: one
-- made before a table has any (a new database, the first minute after a bulk load) may scan a showtime's seats
-- instead of looking them up, and is replaced once ANALYZE (autoanalyze) has run.

-- Every migration that runs this file installs today's functions, whose SQL-language bodies may name
-- columns a later migration adds: their bodies are checked when they run, not when installed.
SET LOCAL check_function_bodies = off;

-- The seat-state rule, once. A hold is live while it has not run out; an expired hold is free.
CREATE OR REPLACE FUNCTION boxoffice_is_live_hold(status text, held_until timestamptz, now timestamptz)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT status = 'held' AND held_until > now
$$;

-- Set seat rows' state, append their history and bump the showtime's layout version: one statement, so
-- a seat change can never miss its history entry or its ETag. The rows must already be locked by the
-- caller; the version slot (user id mod 16) is the last lock taken. p_showtime NULL: no bump (the
-- expiry sweeper: an expired hold already reads as free). PL/pgSQL rather than SQL: a SQL function's
-- statement is parsed and planned on every call, PL/pgSQL keeps its plan for the session.
CREATE OR REPLACE FUNCTION boxoffice_change_seats(
    p_pks bigint[], p_event text, p_actor bigint, p_at timestamptz, p_status text,
    p_held_by bigint, p_held_until timestamptz, p_booked_at timestamptz, p_showtime bigint
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH before AS (
        SELECT id, held_by_id FROM booking_showseat WHERE id = ANY(p_pks)
    ), changed AS (
        UPDATE booking_showseat AS seat
        SET status = p_status, held_by_id = p_held_by, held_until = p_held_until, booked_at = p_booked_at
        FROM before WHERE seat.id = before.id
        RETURNING seat.showtime_id, seat.seat_id, COALESCE(seat.held_by_id, before.held_by_id) AS user_id,
                  seat.held_until
    ), events AS (
        INSERT INTO booking_seatevent (showtime_id, seat_id, event, user_id, actor_id, held_until, at)
        SELECT showtime_id, seat_id, p_event, user_id, p_actor, held_until, p_at FROM changed
        RETURNING 1
    )
    UPDATE booking_layoutversion SET version = version + 1
    WHERE p_showtime IS NOT NULL AND showtime_id = p_showtime AND slot = COALESCE(p_actor, 0) % 16
      AND EXISTS (SELECT 1 FROM events);
END
$$;

-- Count one request in its rate-limit window (booking_ratecounter, UNLOGGED: no WAL flush) and return the
-- window's hits. The one definition of a hit: http_infra/throttling.py calls it on its own, and the hold
-- and confirm functions call it first, so a seat write and its count are one round trip, not two.
CREATE OR REPLACE FUNCTION boxoffice_count_hit(p_key text, p_expires_at timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_hits integer;
BEGIN
    INSERT INTO booking_ratecounter (key, hits, expires_at) VALUES (p_key, 1, p_expires_at)
    ON CONFLICT (key) DO UPDATE SET hits = booking_ratecounter.hits + 1
    RETURNING hits INTO v_hits;
    RETURN v_hits;
END
$$;

-- The unlocked snapshot of the requested seats that a hold starts from: which exist, which are visibly
-- taken by someone else (refused before any seat lock: a hot seat's losers lock no seat), and which are
-- companion seats (for the companion rule). PL/pgSQL, not SQL: it keeps its plan for the session (a SQL
-- function that is not inlined is planned on every call: 10 % of a hold, measured).
DROP FUNCTION IF EXISTS boxoffice_seat_snapshot(bigint, bigint, bigint[], timestamptz);  -- its OUT columns were renamed
CREATE OR REPLACE FUNCTION boxoffice_seat_snapshot(
    p_user bigint, p_showtime bigint, p_seat_ids bigint[], p_now timestamptz,
    OUT found_ids bigint[], OUT taken_ids bigint[], OUT companion_ids bigint[]
) LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT array_agg(ss.seat_id),
           array_agg(ss.seat_id) FILTER (
               WHERE ss.status = 'booked'
                  OR (boxoffice_is_live_hold(ss.status, ss.held_until, p_now) AND ss.held_by_id <> p_user)),
           array_agg(ss.seat_id) FILTER (WHERE se.kind = 'companion')
    INTO found_ids, taken_ids, companion_ids
    FROM booking_showseat ss JOIN booking_seat se ON se.id = ss.seat_id
    WHERE ss.showtime_id = p_showtime AND ss.seat_id = ANY(p_seat_ids);
END
$$;

-- The companion rule: a companion seat is held together with a wheelchair space of its segment (in the same
-- request, or already held by the same user), until the showtime is p_release_seconds away; then by anyone.
-- Returns the companion seats that break it (NULL: none).
CREATE OR REPLACE FUNCTION boxoffice_lone_companions(
    p_user bigint, p_showtime bigint, p_seat_ids bigint[], p_companions bigint[], p_now timestamptz
) RETURNS bigint[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_lone bigint[];
BEGIN
    SELECT array_agg(c.id ORDER BY c.id) INTO v_lone
    FROM booking_seat c
    WHERE c.id = ANY(p_companions)
      AND NOT EXISTS (
          SELECT 1 FROM booking_seat w JOIN booking_showseat ws ON ws.seat_id = w.id AND ws.showtime_id = p_showtime
          WHERE w.hall_id = c.hall_id AND w.row = c.row AND w.segment = c.segment AND w.kind = 'wheelchair'
            AND (w.id = ANY(p_seat_ids)
                 OR (ws.held_by_id = p_user AND boxoffice_is_live_hold(ws.status, ws.held_until, p_now))));
    RETURN v_lone;
END
$$;

-- Hold every requested seat for p_user, or none. Lock order: the caller's rate-limit counter row (given
-- p_rate_key), the user's advisory lock, then the seat rows in primary-key order, then the layout version
-- slot. A seat visibly taken is refused from the unlocked snapshot first, before any seat lock: a hot
-- seat's losers lock no seat (only their own counter row, which no other caller shares).
-- A showtime under the no-single-seat rule (prevent_orphans) is answered 'check_orphans' before anything
-- is counted or locked, unless p_orphans_checked: the service then runs boxoffice_lock_segments, applies
-- the rule (booking/seat_selection.py) and calls this again in the same transaction (services/holds.py).
-- Outcomes: ok | check_orphans | throttled | not_found | seat_not_found | show_started | category_not_sold |
-- seat_unavailable | companion_seat | hold_limit.
DROP FUNCTION IF EXISTS boxoffice_hold_seats(
    bigint, bigint, bigint[], timestamptz, integer, integer, text, integer, text, integer, timestamptz);
CREATE OR REPLACE FUNCTION boxoffice_hold_seats(
    p_user bigint, p_showtime bigint, p_seat_ids bigint[], p_now timestamptz,
    p_default_ttl integer, p_max_holds integer, p_lock_timeout text, p_lock_ns integer,
    p_rate_key text DEFAULT NULL, p_rate_limit integer DEFAULT NULL, p_rate_expires timestamptz DEFAULT NULL,
    p_orphans_checked boolean DEFAULT false, p_companion_release integer DEFAULT 3600
) RETURNS TABLE (outcome text, seat_ids bigint[], held_until timestamptz, live_holds integer)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v_starts timestamptz;
    v_ttl integer;
    v_rule boolean;
    v_exists boolean;
    v_found bigint[];
    v_taken bigint[];
    v_companions bigint[];
    v_unsold bigint[];
    v_locked bigint[];
    v_pks bigint[];
    v_new bigint[];
    v_mine_until timestamptz;
    v_live integer;
    v_until timestamptz;
BEGIN
    -- Bounded lock waits (SET LOCAL) from the first statement on: the rate counter's row lock included.
    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    SELECT st.starts_at, COALESCE(st.hold_ttl_seconds, p_default_ttl), st.prevent_orphans
    INTO v_starts, v_ttl, v_rule
    FROM booking_showtime st WHERE st.id = p_showtime;
    v_exists := FOUND;
    IF v_rule AND NOT p_orphans_checked THEN
        RETURN QUERY SELECT 'check_orphans', NULL::bigint[], NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;
    -- The caller's rate limit (p_rate_key NULL: not counted here), before any refusal: a refused request
    -- counts as one too.
    IF p_rate_key IS NOT NULL AND boxoffice_count_hit(p_rate_key, p_rate_expires) > p_rate_limit THEN
        RETURN QUERY SELECT 'throttled', NULL::bigint[], NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;

    -- 0. The unlocked snapshot: the showtime, which seats exist, which are visibly taken.
    IF NOT v_exists THEN
        RETURN QUERY SELECT 'not_found', NULL::bigint[], NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;
    SELECT snap.found_ids, snap.taken_ids, snap.companion_ids INTO v_found, v_taken, v_companions
    FROM boxoffice_seat_snapshot(p_user, p_showtime, p_seat_ids, p_now) snap;
    IF cardinality(v_found) IS DISTINCT FROM cardinality(p_seat_ids) THEN
        RETURN QUERY SELECT 'seat_not_found',
            ARRAY(SELECT s FROM unnest(p_seat_ids) s WHERE v_found IS NULL OR NOT s = ANY(v_found)),
            NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;
    IF v_starts <= p_now THEN
        RETURN QUERY SELECT 'show_started', p_seat_ids, NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;
    -- A seat whose category the showtime does not sell (pricing.sql) is never for sale.
    v_unsold := boxoffice_unsold_seats(p_showtime, p_seat_ids);
    IF v_unsold IS NOT NULL THEN
        RETURN QUERY SELECT 'category_not_sold', v_unsold, NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;
    IF v_taken IS NOT NULL THEN
        RETURN QUERY SELECT 'seat_unavailable', v_taken, NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;
    IF v_companions IS NOT NULL AND v_starts - p_now > make_interval(secs => p_companion_release) THEN
        v_companions := boxoffice_lone_companions(p_user, p_showtime, p_seat_ids, v_companions, p_now);
        IF v_companions IS NOT NULL THEN
            RETURN QUERY SELECT 'companion_seat', v_companions, NULL::timestamptz, NULL::integer;
            RETURN;
        END IF;
    END IF;

    -- 1. The user's lock: one user's holds and confirms queue here, so the per-user cap sees each
    --    other's results.
    PERFORM pg_advisory_xact_lock(p_lock_ns, p_user::integer);

    -- 2. Lock the rows this user may take, in primary-key order. The WHERE is re-checked after a lock
    --    wait, so a seat taken since the snapshot is skipped, not waited for twice.
    SELECT array_agg(locked.seat_id),
           array_agg(locked.id) FILTER (WHERE NOT locked.mine),
           array_agg(locked.seat_id) FILTER (WHERE NOT locked.mine),
           min(locked.held_until) FILTER (WHERE locked.mine)
    INTO v_locked, v_pks, v_new, v_mine_until
    FROM (
        SELECT ss.id, ss.seat_id, ss.held_until,
               boxoffice_is_live_hold(ss.status, ss.held_until, p_now) AND ss.held_by_id = p_user AS mine
        FROM booking_showseat ss
        WHERE ss.showtime_id = p_showtime AND ss.seat_id = ANY(p_seat_ids)
          AND (ss.status = 'available'
               OR (ss.status = 'held' AND NOT boxoffice_is_live_hold(ss.status, ss.held_until, p_now))
               OR ss.held_by_id = p_user)
        ORDER BY ss.id
        FOR UPDATE
    ) locked;
    IF cardinality(v_locked) IS DISTINCT FROM cardinality(p_seat_ids) THEN
        RETURN QUERY SELECT 'seat_unavailable',
            ARRAY(SELECT s FROM unnest(p_seat_ids) s WHERE v_locked IS NULL OR NOT s = ANY(v_locked)),
            NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;
    IF v_pks IS NULL THEN  -- every seat is already this user's: a re-hold never extends a hold
        RETURN QUERY SELECT 'ok', p_seat_ids, v_mine_until, NULL::integer;
        RETURN;
    END IF;

    -- 3. The per-user cap, counted under the user's lock.
    SELECT count(*) INTO v_live FROM booking_showseat mine
    WHERE mine.held_by_id = p_user AND mine.showtime_id = p_showtime
      AND boxoffice_is_live_hold(mine.status, mine.held_until, p_now);
    IF v_live + cardinality(v_pks) > p_max_holds THEN
        RETURN QUERY SELECT 'hold_limit', v_new, NULL::timestamptz, v_live;
        RETURN;
    END IF;

    -- 4. The change, its history and the layout version, in one statement.
    v_until := p_now + make_interval(secs => v_ttl);
    PERFORM boxoffice_change_seats(v_pks, 'held', p_user, p_now, 'held', p_user, v_until, NULL, p_showtime);
    RETURN QUERY SELECT 'ok', p_seat_ids, LEAST(v_until, v_mine_until), NULL::integer;
END
$$;

-- Lock every seat row of the requested seats' segments in primary-key order (lock order step 2, a superset of
-- the seats) and return which of them are free, in seat-id order ('{}': none). The caller holds the user's
-- lock already (step 1). Used by boxoffice_lock_segments and boxoffice_hold_block.
CREATE OR REPLACE FUNCTION boxoffice_lock_segment_rows(p_showtime bigint, p_seat_ids bigint[], p_now timestamptz)
RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    v_free bigint[];
BEGIN
    -- EXECUTE: planned for the seats asked for, every call, so the plan starts from them (~0.2 ms). The
    -- generic plan PL/pgSQL would cache depends on the statistics of the moment: without any (a new database,
    -- a hall just seeded) it joined every seat of the showtime first, ~5 ms a call for 1,000 seats; with
    -- them it read both tables whole, which grows with every showtime (docs/benchmarks/README.md).
    EXECUTE $lock$
        SELECT array_agg(locked.seat_id ORDER BY locked.seat_id)
                   FILTER (WHERE NOT boxoffice_is_live_hold(locked.status, locked.held_until, $3)
                                 AND locked.status <> 'booked')
        FROM (
            SELECT ss.seat_id, ss.status, ss.held_until
            FROM booking_showseat ss JOIN booking_seat se ON se.id = ss.seat_id
            WHERE ss.showtime_id = $1
              AND (se.hall_id, se.row, se.segment) IN (
                  SELECT s2.hall_id, s2.row, s2.segment FROM booking_seat s2 WHERE s2.id = ANY($2))
            ORDER BY ss.id
            FOR UPDATE OF ss
        ) locked
    $lock$ INTO v_free USING p_showtime, p_seat_ids, p_now;
    RETURN COALESCE(v_free, '{}');
END
$$;

-- The first statement of a hold under the no-single-seat rule (services/holds.py): count
-- the request, refuse a seat visibly taken from the unlocked snapshot (no lock), take the user's lock, then
-- lock every seat row of the requested seats' segments in primary-key order (lock order step 2, a superset of
-- the seats), and return which of them are free (and whether the showtime is still under the rule). The
-- service applies the rule to that state and then calls
-- boxoffice_hold_seats(..., p_orphans_checked => true) in the same transaction, which finds its rows locked.
-- Outcomes: ok | throttled | not_found | seat_not_found | seat_unavailable.
DROP FUNCTION IF EXISTS boxoffice_lock_segments(  -- its result gains columns (the plan's revision, the switch)
    bigint, bigint, bigint[], timestamptz, text, integer, text, integer, timestamptz);
CREATE OR REPLACE FUNCTION boxoffice_lock_segments(
    p_user bigint, p_showtime bigint, p_seat_ids bigint[], p_now timestamptz, p_lock_timeout text,
    p_lock_ns integer, p_rate_key text DEFAULT NULL, p_rate_limit integer DEFAULT NULL,
    p_rate_expires timestamptz DEFAULT NULL
) RETURNS TABLE (outcome text, seat_ids bigint[], free bigint[], plan_revision bigint, focus_across numeric,
                 focus_depth numeric, prevent_orphans boolean)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v_found bigint[];
    v_taken bigint[];
    v_free bigint[];
    v_revision bigint;
    v_across numeric;
    v_depth numeric;
    v_rule boolean;
BEGIN
    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    IF p_rate_key IS NOT NULL AND boxoffice_count_hit(p_rate_key, p_rate_expires) > p_rate_limit THEN
        RETURN QUERY SELECT 'throttled', NULL::bigint[], NULL::bigint[], NULL::bigint, NULL::numeric, NULL::numeric, v_rule;
        RETURN;
    END IF;
    -- The hall plan's revision and focal point come back too: the service applies the rule to the plan it has
    -- cached for that revision (selectors/seat_plans.py), with no query of its own; and the showtime's switch,
    -- since a process that remembers the showtime as under the rule comes here first (services/holds.py).
    SELECT h.plan_revision, h.focus_across, h.focus_depth, st.prevent_orphans INTO v_revision, v_across, v_depth, v_rule
    FROM booking_showtime st JOIN booking_hall h ON h.id = st.hall_id WHERE st.id = p_showtime;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'not_found', NULL::bigint[], NULL::bigint[], NULL::bigint, NULL::numeric, NULL::numeric, v_rule;
        RETURN;
    END IF;
    SELECT snap.found_ids, snap.taken_ids INTO v_found, v_taken
    FROM boxoffice_seat_snapshot(p_user, p_showtime, p_seat_ids, p_now) snap;
    IF cardinality(v_found) IS DISTINCT FROM cardinality(p_seat_ids) THEN
        RETURN QUERY SELECT 'seat_not_found',
            ARRAY(SELECT s FROM unnest(p_seat_ids) s WHERE v_found IS NULL OR NOT s = ANY(v_found)), NULL::bigint[],
            NULL::bigint, NULL::numeric, NULL::numeric, v_rule;
        RETURN;
    END IF;
    IF v_taken IS NOT NULL THEN
        RETURN QUERY SELECT 'seat_unavailable', v_taken, NULL::bigint[], NULL::bigint, NULL::numeric, NULL::numeric, v_rule;
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(p_lock_ns, p_user::integer);
    v_free := boxoffice_lock_segment_rows(p_showtime, p_seat_ids, p_now);
    RETURN QUERY SELECT 'ok', p_seat_ids, v_free, v_revision, v_across, v_depth, v_rule;
END
$$;

-- Best available's hold (services/best_available.py), in one statement: take the user's lock, lock every seat
-- row of the chosen block's segments (boxoffice_lock_segment_rows), and hold the block only if those segments'
-- free seats are still exactly p_expected_free, the state it was chosen from (read under the showtime's
-- best-available lock). Any change since (a manual hold, a release, an expiry) answers 'stale' before anything
-- is written, and the service chooses again from a fresh read. The hold itself is boxoffice_hold_seats, told the
-- no-single-seat rule was applied (best available avoids strandings whether the rule is on or not), which finds
-- its rows locked. Not counted here: best available counts the request with its first statement.
-- Outcomes: stale | those of boxoffice_hold_seats.
CREATE OR REPLACE FUNCTION boxoffice_hold_block(
    p_user bigint, p_showtime bigint, p_seat_ids bigint[], p_expected_free bigint[], p_now timestamptz,
    p_default_ttl integer, p_max_holds integer, p_lock_timeout text, p_lock_ns integer,
    p_companion_release integer DEFAULT 3600
) RETURNS TABLE (outcome text, seat_ids bigint[], held_until timestamptz, live_holds integer)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    PERFORM pg_advisory_xact_lock(p_lock_ns, p_user::integer);
    IF boxoffice_lock_segment_rows(p_showtime, p_seat_ids, p_now) IS DISTINCT FROM p_expected_free THEN
        RETURN QUERY SELECT 'stale', NULL::bigint[], NULL::timestamptz, NULL::integer;
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM boxoffice_hold_seats(
        p_user, p_showtime, p_seat_ids, p_now, p_default_ttl, p_max_holds, p_lock_timeout, p_lock_ns,
        p_orphans_checked => true, p_companion_release => p_companion_release);
END
$$;

-- Release the user's own holds (live or already expired) on the requested seats, all or none.
-- Outcomes: ok | not_found | seat_not_found | not_held.
CREATE OR REPLACE FUNCTION boxoffice_release_holds(
    p_user bigint, p_showtime bigint, p_seat_ids bigint[], p_now timestamptz, p_lock_timeout text
) RETURNS TABLE (outcome text, seat_ids bigint[])
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v_found bigint[];
    v_not_mine bigint[];
    v_pks bigint[];
    v_locked bigint[];
BEGIN
    PERFORM 1 FROM booking_showtime st WHERE st.id = p_showtime;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'not_found', NULL::bigint[];
        RETURN;
    END IF;
    SELECT array_agg(ss.seat_id),
           array_agg(ss.seat_id) FILTER (WHERE ss.held_by_id IS DISTINCT FROM p_user)
    INTO v_found, v_not_mine
    FROM booking_showseat ss WHERE ss.showtime_id = p_showtime AND ss.seat_id = ANY(p_seat_ids);
    IF cardinality(v_found) IS DISTINCT FROM cardinality(p_seat_ids) THEN
        RETURN QUERY SELECT 'seat_not_found',
            ARRAY(SELECT s FROM unnest(p_seat_ids) s WHERE v_found IS NULL OR NOT s = ANY(v_found));
        RETURN;
    END IF;
    IF v_not_mine IS NOT NULL THEN
        RETURN QUERY SELECT 'not_held', v_not_mine;
        RETURN;
    END IF;

    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    SELECT array_agg(locked.id), array_agg(locked.seat_id) INTO v_pks, v_locked
    FROM (
        SELECT ss.id, ss.seat_id FROM booking_showseat ss
        WHERE ss.showtime_id = p_showtime AND ss.seat_id = ANY(p_seat_ids)
          AND ss.status = 'held' AND ss.held_by_id = p_user
        ORDER BY ss.id
        FOR UPDATE
    ) locked;
    IF cardinality(v_locked) IS DISTINCT FROM cardinality(p_seat_ids) THEN
        RETURN QUERY SELECT 'not_held',
            ARRAY(SELECT s FROM unnest(p_seat_ids) s WHERE v_locked IS NULL OR NOT s = ANY(v_locked));
        RETURN;
    END IF;
    PERFORM boxoffice_change_seats(v_pks, 'released', p_user, p_now, 'available', NULL, NULL, NULL, p_showtime);
    RETURN QUERY SELECT 'ok', p_seat_ids;
END
$$;

-- Book seats the user holds (every one of them, unexpired) into one booking. With an idempotency key, a
-- retry of the same request returns the original booking and changes nothing, even once the holds ran
-- out. Lock order as for holds: the caller's rate-limit counter row, the user's lock (which also
-- serialises the key lookup), the seat rows in primary-key order, the layout version slot.
-- The booking is recorded as a box-office order (paid on arrival) with one line per seat at its category's
-- listed price (pricing.sql), in the same statement; a showtime that takes no box-office payments refuses.
-- Outcomes: ok | throttled | replayed | idempotency_key_reused | not_found | seat_not_found | show_started
-- | payment_required | category_not_sold | not_held.
CREATE OR REPLACE FUNCTION boxoffice_confirm_booking(
    p_user bigint, p_showtime bigint, p_seat_ids bigint[], p_now timestamptz, p_key text,
    p_reference text, p_lock_timeout text, p_lock_ns integer,
    p_rate_key text DEFAULT NULL, p_rate_limit integer DEFAULT NULL, p_rate_expires timestamptz DEFAULT NULL
) RETURNS TABLE (outcome text, seat_ids bigint[], booking_id bigint, reference text, created_at timestamptz)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v_booking booking_booking%ROWTYPE;
    v_booked bigint[];
    v_starts timestamptz;
    v_found bigint[];
    v_not_held bigint[];
    v_pks bigint[];
    v_id bigint;
    v_box_office boolean;
    v_unpriced bigint[];
    v_order bigint;
BEGIN
    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    IF p_rate_key IS NOT NULL AND boxoffice_count_hit(p_rate_key, p_rate_expires) > p_rate_limit THEN
        RETURN QUERY SELECT 'throttled', NULL::bigint[], NULL::bigint, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(p_lock_ns, p_user::integer);

    IF p_key IS NOT NULL THEN
        SELECT * INTO v_booking FROM booking_booking b WHERE b.user_id = p_user AND b.idempotency_key = p_key;
        IF FOUND THEN
            SELECT array_agg(ss.seat_id ORDER BY ss.seat_id) INTO v_booked
            FROM booking_bookingseat line JOIN booking_showseat ss ON ss.id = line.show_seat_id
            WHERE line.booking_id = v_booking.id;
            IF v_booking.showtime_id = p_showtime AND v_booked = p_seat_ids THEN
                RETURN QUERY SELECT 'replayed', p_seat_ids, v_booking.id, v_booking.reference::text,
                                    v_booking.created_at;
            ELSE
                RETURN QUERY SELECT 'idempotency_key_reused', NULL::bigint[], NULL::bigint, NULL::text,
                                    NULL::timestamptz;
            END IF;
            RETURN;
        END IF;
    END IF;

    -- After the key check: a retry is answered with its booking whatever has changed since.
    SELECT st.starts_at, st.box_office_payment INTO v_starts, v_box_office
    FROM booking_showtime st WHERE st.id = p_showtime;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'not_found', NULL::bigint[], NULL::bigint, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    SELECT array_agg(ss.seat_id) INTO v_found
    FROM booking_showseat ss WHERE ss.showtime_id = p_showtime AND ss.seat_id = ANY(p_seat_ids);
    IF cardinality(v_found) IS DISTINCT FROM cardinality(p_seat_ids) THEN
        RETURN QUERY SELECT 'seat_not_found',
            ARRAY(SELECT s FROM unnest(p_seat_ids) s WHERE v_found IS NULL OR NOT s = ANY(v_found)),
            NULL::bigint, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    IF v_starts <= p_now THEN
        RETURN QUERY SELECT 'show_started', p_seat_ids, NULL::bigint, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    IF NOT v_box_office THEN
        RETURN QUERY SELECT 'payment_required', p_seat_ids, NULL::bigint, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    -- Every seat needs its price: a price list changed since the hold may have stopped selling a category.
    v_unpriced := boxoffice_unsold_seats(p_showtime, p_seat_ids);
    IF v_unpriced IS NOT NULL THEN
        RETURN QUERY SELECT 'category_not_sold', v_unpriced, NULL::bigint, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;

    -- Lock every requested row in primary-key order; each must be this user's live hold.
    SELECT array_agg(locked.id),
           array_agg(locked.seat_id) FILTER (WHERE NOT locked.mine)
    INTO v_pks, v_not_held
    FROM (
        SELECT ss.id, ss.seat_id,
               boxoffice_is_live_hold(ss.status, ss.held_until, p_now) AND ss.held_by_id = p_user AS mine
        FROM booking_showseat ss
        WHERE ss.showtime_id = p_showtime AND ss.seat_id = ANY(p_seat_ids)
        ORDER BY ss.id
        FOR UPDATE
    ) locked;
    IF v_not_held IS NOT NULL THEN
        RETURN QUERY SELECT 'not_held', v_not_held, NULL::bigint, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;

    INSERT INTO booking_booking (reference, showtime_id, user_id, idempotency_key, created_at)
    VALUES (p_reference, p_showtime, p_user, p_key, p_now) RETURNING id INTO v_id;
    -- One line per seat; booking_bookingseat.show_seat_id is unique: a seat is never sold twice.
    INSERT INTO booking_bookingseat (booking_id, show_seat_id) SELECT v_id, pk FROM unnest(v_pks) pk;
    PERFORM boxoffice_change_seats(v_pks, 'booked', p_user, p_now, 'booked', NULL, NULL, p_now, p_showtime);
    -- The box-office order: same reference, a line per seat at its listed price, the total their sum.
    INSERT INTO booking_order (reference, user_id, showtime_id, status, currency, total, created_at, expires_at,
                               method, provider, attempts, amount_paid, amount_refunded, booking_id)
    SELECT p_reference, p_user, p_showtime, 'box_office', v.currency, 0, p_now, p_now, 'box_office', '', 0, 0, 0, v_id
    FROM booking_showtime st JOIN booking_hall h ON h.id = st.hall_id JOIN booking_venue v ON v.id = h.venue_id
    WHERE st.id = p_showtime
    RETURNING id INTO v_order;
    WITH lines AS (
        INSERT INTO booking_orderline (order_id, seat_id, category_id, ticket_type_id, amount)
        SELECT v_order, se.id, se.category_id, lp.ticket_type_id, lp.amount
        FROM booking_seat se JOIN boxoffice_listed_prices(p_showtime) lp ON lp.category_id = se.category_id
        WHERE se.id = ANY(p_seat_ids)
        RETURNING amount
    )
    UPDATE booking_order SET total = (SELECT COALESCE(sum(amount), 0) FROM lines) WHERE id = v_order;
    RETURN QUERY SELECT 'ok', p_seat_ids, v_id, p_reference, p_now;
END
$$;

-- Book an order's seats into its booking: the end of a payment that succeeded (p_method 'card': each seat
-- must still be the user's hold, live or run out, or free - a payment is honoured while its seats are to be
-- had) or of a box-office confirmation (p_method 'box_office': the user's live holds only, as for
-- boxoffice_confirm_booking). The order must be 'processing' (claimed by the payment, services/orders.py).
-- Lock order as for confirm: the user's lock, the order row, the seat rows in primary-key order, the layout
-- version slot. The booking takes the order's reference.
-- Outcomes: ok | not_processing (settled by someone else) | seats_lost (nothing changed: the caller refunds).
CREATE OR REPLACE FUNCTION boxoffice_settle_order(
    p_order bigint, p_now timestamptz, p_method text, p_status text, p_amount_paid numeric,
    p_provider text, p_payment_id text, p_lock_timeout text, p_lock_ns integer
) RETURNS TABLE (outcome text, seat_ids bigint[], booking_id bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    -- Not booking_order%ROWTYPE: a row type is resolved when the function is created, and the migrations
    -- before 0012 install this file too, before the table exists.
    v_user bigint;
    v_status text;
    v_showtime bigint;
    v_reference text;
    v_seats bigint[];
    v_pks bigint[];
    v_lost bigint[];
    v_id bigint;
BEGIN
    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    SELECT o.user_id INTO v_user FROM booking_order o WHERE o.id = p_order;  -- unlocked: whose lock to take
    PERFORM pg_advisory_xact_lock(p_lock_ns, v_user::integer);
    SELECT o.status, o.showtime_id, o.reference INTO v_status, v_showtime, v_reference
    FROM booking_order o WHERE o.id = p_order FOR UPDATE;
    IF v_status IS DISTINCT FROM 'processing' THEN
        RETURN QUERY SELECT 'not_processing', NULL::bigint[], NULL::bigint;
        RETURN;
    END IF;
    SELECT array_agg(l.seat_id ORDER BY l.seat_id) INTO v_seats FROM booking_orderline l WHERE l.order_id = p_order;
    SELECT array_agg(locked.id), array_agg(locked.seat_id) FILTER (WHERE NOT locked.ok)
    INTO v_pks, v_lost
    FROM (
        SELECT ss.id, ss.seat_id,
               CASE WHEN p_method = 'box_office'
                    THEN boxoffice_is_live_hold(ss.status, ss.held_until, p_now) AND ss.held_by_id = v_user
                    ELSE ss.status <> 'booked'
                         AND (ss.held_by_id = v_user OR NOT boxoffice_is_live_hold(ss.status, ss.held_until, p_now))
               END AS ok
        FROM booking_showseat ss
        WHERE ss.showtime_id = v_showtime AND ss.seat_id = ANY(v_seats)
        ORDER BY ss.id
        FOR UPDATE
    ) locked;
    IF v_lost IS NOT NULL OR cardinality(v_pks) IS DISTINCT FROM cardinality(v_seats) THEN
        RETURN QUERY SELECT 'seats_lost', v_lost, NULL::bigint;
        RETURN;
    END IF;

    INSERT INTO booking_booking (reference, showtime_id, user_id, idempotency_key, created_at)
    VALUES (v_reference, v_showtime, v_user, NULL, p_now) RETURNING id INTO v_id;
    INSERT INTO booking_bookingseat (booking_id, show_seat_id) SELECT v_id, pk FROM unnest(v_pks) pk;
    PERFORM boxoffice_change_seats(v_pks, 'booked', v_user, p_now, 'booked', NULL, NULL, p_now, v_showtime);
    UPDATE booking_order
    SET status = p_status, booking_id = v_id, method = p_method, amount_paid = p_amount_paid,
        paid_at = CASE WHEN p_amount_paid > 0 THEN p_now END,
        provider = COALESCE(p_provider, provider), provider_payment_id = COALESCE(p_payment_id, provider_payment_id)
    WHERE id = p_order;
    RETURN QUERY SELECT 'ok', v_seats, v_id;
END
$$;

-- Cancel seats of a booking (p_seat_ids NULL: all of them) and put them back on sale: the booking's lines and
-- its order's lines are marked cancelled (they stay on record), the seats become available with a
-- `cancelled` history event and a layout version bump, and what was paid for them (their order lines'
-- amounts, when the order was paid) is recorded as one Refund, added to the order's amount_refunded; the
-- order is `cancelled` once none of its seats is left. Seats already cancelled are skipped: cancelling
-- twice changes nothing the second time. p_enforce_cutoff: a moviegoer may cancel only until the
-- showtime's cutoff (staff may cancel any time). Lock order as for confirm: the user's lock, the order row,
-- the seat rows in primary-key order, the layout version slot.
-- Outcomes: ok (seat_ids: those cancelled now, possibly none) | not_found | seat_not_found | cancellation_closed.
CREATE OR REPLACE FUNCTION boxoffice_cancel_seats(
    p_booking bigint, p_seat_ids bigint[], p_actor bigint, p_now timestamptz, p_enforce_cutoff boolean,
    p_default_cutoff_minutes integer, p_reason text, p_lock_timeout text, p_lock_ns integer
) RETURNS TABLE (outcome text, seat_ids bigint[], refund_id bigint, refund_amount numeric)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v_user bigint;
    v_showtime bigint;
    v_starts timestamptz;
    v_cutoff integer;
    v_order bigint;
    v_order_status text;
    v_booked bigint[];
    v_unknown bigint[];
    v_seats bigint[];
    v_pks bigint[];
    v_amount numeric;
    v_refund bigint;
BEGIN
    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    SELECT b.user_id, b.showtime_id, st.starts_at,
           COALESCE(st.cancellation_cutoff_minutes, p_default_cutoff_minutes)
    INTO v_user, v_showtime, v_starts, v_cutoff
    FROM booking_booking b JOIN booking_showtime st ON st.id = b.showtime_id WHERE b.id = p_booking;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'not_found', NULL::bigint[], NULL::bigint, NULL::numeric;
        RETURN;
    END IF;
    IF p_enforce_cutoff AND p_now >= v_starts - make_interval(mins => v_cutoff) THEN
        RETURN QUERY SELECT 'cancellation_closed', p_seat_ids, NULL::bigint, NULL::numeric;
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(p_lock_ns, v_user::integer);
    SELECT o.id, o.status INTO v_order, v_order_status FROM booking_order o WHERE o.booking_id = p_booking FOR UPDATE;

    SELECT array_agg(ss.seat_id ORDER BY ss.seat_id) INTO v_booked
    FROM booking_bookingseat line JOIN booking_showseat ss ON ss.id = line.show_seat_id
    WHERE line.booking_id = p_booking;
    v_unknown := ARRAY(SELECT s FROM unnest(p_seat_ids) s WHERE NOT s = ANY(v_booked));
    IF cardinality(v_unknown) > 0 THEN
        RETURN QUERY SELECT 'seat_not_found', v_unknown, NULL::bigint, NULL::numeric;
        RETURN;
    END IF;

    -- The live lines to cancel, their seat rows locked in primary-key order.
    SELECT array_agg(locked.seat_id), array_agg(locked.id) INTO v_seats, v_pks
    FROM (
        SELECT ss.id, ss.seat_id FROM booking_showseat ss
        JOIN booking_bookingseat line ON line.show_seat_id = ss.id
        WHERE line.booking_id = p_booking AND line.cancelled_at IS NULL
          AND (p_seat_ids IS NULL OR ss.seat_id = ANY(p_seat_ids))
        ORDER BY ss.id
        FOR UPDATE OF ss
    ) locked;
    IF v_pks IS NULL THEN  -- nothing left to cancel: a repeat changes nothing
        RETURN QUERY SELECT 'ok', ARRAY[]::bigint[], NULL::bigint, 0::numeric;
        RETURN;
    END IF;

    UPDATE booking_bookingseat SET cancelled_at = p_now
    WHERE booking_id = p_booking AND show_seat_id = ANY(v_pks) AND cancelled_at IS NULL;
    IF v_order IS NOT NULL THEN
        SELECT COALESCE(sum(l.amount), 0) INTO v_amount FROM booking_orderline l
        WHERE l.order_id = v_order AND l.seat_id = ANY(v_seats) AND l.cancelled_at IS NULL;
        IF v_order_status <> 'paid' THEN
            v_amount := 0;  -- a box-office order was not paid: nothing to give back
        END IF;
        IF v_amount > 0 THEN
            INSERT INTO booking_refund (order_id, amount, provider_refund_id, reason, created_at, by_id)
            VALUES (v_order, v_amount, '', p_reason, p_now, p_actor) RETURNING id INTO v_refund;
        END IF;
        UPDATE booking_orderline SET cancelled_at = p_now, refund_id = v_refund
        WHERE order_id = v_order AND seat_id = ANY(v_seats) AND cancelled_at IS NULL;
        UPDATE booking_order o
        SET amount_refunded = o.amount_refunded + v_amount,
            status = CASE WHEN EXISTS (SELECT 1 FROM booking_orderline l WHERE l.order_id = o.id AND l.cancelled_at IS NULL)
                          THEN o.status ELSE 'cancelled' END
        WHERE o.id = v_order;
    END IF;
    PERFORM boxoffice_change_seats(v_pks, 'cancelled', p_actor, p_now, 'available', NULL, NULL, NULL, v_showtime);
    RETURN QUERY SELECT 'ok', v_seats, v_refund, COALESCE(v_amount, 0);
END
$$;

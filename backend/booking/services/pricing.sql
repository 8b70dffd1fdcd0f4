-- What a showtime sells and at what price: the one definition, used by the hold function (seat_writes.sql:
-- a category a showtime does not sell cannot be held), the seat map (selectors/layout.py) and the
-- showtime list's price range (selectors/schedule.py). Installed by migration 0011 (CREATE OR REPLACE:
-- re-running is harmless; a change to this file needs a migration that runs `install_pricing_functions`
-- in booking/services/pricing.py again).
--
-- Amounts are numeric(10, 2) in the showtime's venue's currency (booking/money.py).

-- A showtime's price list: its own lines (booking_showtimeprice) when it has any - then it sells exactly
-- those (category, ticket type) pairs - otherwise every category of its hall at the category's default
-- price, for the default ticket type. SQL (not PL/pgSQL) so that the planner inlines it into its caller.
CREATE OR REPLACE FUNCTION boxoffice_showtime_prices(p_showtime bigint)
RETURNS TABLE (category_id bigint, ticket_type_id bigint, amount numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.category_id, p.ticket_type_id, p.amount
    FROM booking_showtimeprice p WHERE p.showtime_id = p_showtime
    UNION ALL
    SELECT c.id, t.id, c.default_price
    FROM booking_showtime st
    JOIN booking_seatcategory c ON c.hall_id = st.hall_id
    JOIN booking_tickettype t ON t.is_default
    WHERE st.id = p_showtime
      AND NOT EXISTS (SELECT 1 FROM booking_showtimeprice own WHERE own.showtime_id = p_showtime)
$$;

-- Each sold category's listed price: what a seat of it costs when nobody picks a ticket type (the running
-- total of a selection; POST /api/book-seat/). The default ticket type's price, or, when the showtime does
-- not sell that type for the category, its cheapest.
CREATE OR REPLACE FUNCTION boxoffice_listed_prices(p_showtime bigint)
RETURNS TABLE (category_id bigint, ticket_type_id bigint, amount numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT DISTINCT ON (p.category_id) p.category_id, p.ticket_type_id, p.amount
    FROM boxoffice_showtime_prices(p_showtime) p JOIN booking_tickettype t ON t.id = p.ticket_type_id
    ORDER BY p.category_id, t.is_default DESC, p.amount, t.sort_order, t.id
$$;

-- The seat map's price list as one JSON text: the hall's categories in display order, each with its
-- listed price (null: not sold) and its price per ticket type. Amounts are JSON strings ("8.50"), never
-- numbers: a JSON number would be read back as a float.
CREATE OR REPLACE FUNCTION boxoffice_pricing_json(p_showtime bigint)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(json_agg(json_build_object(
        'id', c.id, 'name', c.name, 'colour', lower(c.colour),
        'price', (SELECT l.amount::text FROM boxoffice_listed_prices(p_showtime) l WHERE l.category_id = c.id),
        'prices', (SELECT COALESCE(json_agg(json_build_object(
                       'ticket_type_id', t.id, 'ticket_type', t.name, 'amount', p.amount::text)
                       ORDER BY t.sort_order, t.id), '[]'::json)
                   FROM boxoffice_showtime_prices(p_showtime) p JOIN booking_tickettype t ON t.id = p.ticket_type_id
                   WHERE p.category_id = c.id)
    ) ORDER BY c.sort_order, c.id), '[]'::json)::text
    FROM booking_showtime st JOIN booking_seatcategory c ON c.hall_id = st.hall_id
    WHERE st.id = p_showtime
$$;

-- The requested seats (of the showtime's hall: the callers have checked) whose category the showtime does
-- not sell (NULL: every one is for sale): the hold function refuses them, and so does confirming (a price
-- list may have changed since the hold). PL/pgSQL for its short path: a showtime without its own price
-- list sells every category of its hall while a default ticket type exists (boxoffice_showtime_prices'
-- second branch), which two index probes say (~10 us) where the general query costs ~100 us per hold.
CREATE OR REPLACE FUNCTION boxoffice_unsold_seats(p_showtime bigint, p_seat_ids bigint[])
RETURNS bigint[] LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    v_unsold bigint[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM booking_showtimeprice own WHERE own.showtime_id = p_showtime)
       AND EXISTS (SELECT 1 FROM booking_tickettype t WHERE t.is_default) THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(se.id ORDER BY se.id) INTO v_unsold FROM booking_seat se
    WHERE se.id = ANY(p_seat_ids)
      AND NOT EXISTS (SELECT 1 FROM boxoffice_showtime_prices(p_showtime) sold WHERE sold.category_id = se.category_id);
    RETURN v_unsold;
END
$$;

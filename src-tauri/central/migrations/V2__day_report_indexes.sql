-- The store's day reads only these (index-only scans): a day's totals and
-- unclear counts come from one narrow slice of years of rows, whatever
-- order the tills pushed them in. They replace the plain created_at
-- indexes, which made the report visit every heap page of the day.
CREATE INDEX orders_day_totals ON orders (created_at)
    INCLUDE (books, status, counter, wallet, currency, amount_minor);
CREATE INDEX refunds_day_totals ON refunds (created_at)
    INCLUDE (books, status, counter, wallet, currency, amount_minor);
DROP INDEX orders_created;
DROP INDEX refunds_created;

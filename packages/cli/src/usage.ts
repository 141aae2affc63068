export const USAGE = `tally: the Tallystick command line

Usage:
  tally start [--port <n>] [--data-dir <dir> | --memory] [--log-level <level>]
      Start a local network on this machine until Ctrl+C: operator op-a (SEK) with a
      funded demo customer, operator op-b (EUR) with a demo shop and a paid API (HTTP 402,
      x402), on ports n to n+3 (default 7070). Data (and the demo credentials) in ./.tally,
      kept across restarts.

  tally demo [--scenario <name>] [--json] [--out-dir <dir>] [--artefacts-dir <dir>]
      Run one trading session on a throw-away network in this process and narrate it
      (--json: one JSON object), then settle between the operators, reconcile, and
      export the billing records (CSV, JSON, camt.054) to --out-dir (default: a new temp
      dir). Scenarios: normal, exhaust, merchant-stop, timeout, mismatch,
      missing-customer-record, expired-table; request-to-pay (a merchant-initiated purchase
      the customer affirms; writes the QR, Data Matrix, receipt PDF and trust list for
      tally verify to --artefacts-dir, default ./.tally/demo-artefacts/<time>).

  tally operator serve --id <id> --currency <CUR> [--port <n>] [--host <host>]
                       [--memory | --data-dir <dir>] [--log-level <level>]
      Run one operator node. Storage: --memory, --data-dir, else DATABASE_URL
      (PostgreSQL; needs TALLY_ADMIN_TOKEN), else ./.tally/<id>.

  tally verify <indicium | image.png | receipt.pdf> [--trust <file>] [--verifier-key <jwk>] [--json]
      Check an indicium, ticket or receipt offline against a trust list (GET /v1/trust-list;
      default ./tally-trust.json). Exit 1 when anything was altered or is untrusted.

  tally billing export --operator <id> --since <time> --format csv|camt054|json
                       [--url <operator url>] [--data-dir <dir>]
      Print an operator's withdrawal and deposit billing records (admin token from
      TALLY_ADMIN_TOKEN or <data-dir>/<id>/admin-token; tally start's op-a/op-b by default).

  tally rates keygen --out <key.json>
  tally rates sign <rates.json> --key <key.json>
      A rates publisher's key (public JWK printed: an operator's TALLY_RATES_PUBLISHER_KEY),
      and a signed rates file (printed: serve it or save it for TALLY_RATES_SOURCE).

  tally --help

Environment: TALLY_OPERATOR_ID, TALLY_CURRENCY, TALLY_HOST, TALLY_PORT, TALLY_DATA_DIR,
             DATABASE_URL, TALLY_ADMIN_TOKEN, LOG_LEVEL (flags win).
Exit codes: 0 stopped cleanly, 1 could not start or run, 2 usage error.
`;

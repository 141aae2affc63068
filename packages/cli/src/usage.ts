export const USAGE = `tally: the Tallystick command line

Usage:
  tally start [--port <n>] [--memory]
      Start a local network on this machine (for now: one operator "local" in EUR,
      data in ./.tally/local, http://127.0.0.1:7070).

  tally operator serve --id <id> --currency <CUR> [--port <n>] [--host <host>]
                       [--memory | --data-dir <dir>] [--log-level <level>]
      Run one operator node. Storage: --memory, --data-dir, else DATABASE_URL
      (PostgreSQL; needs TALLY_ADMIN_TOKEN), else ./.tally/<id>.

  tally --help

Environment: TALLY_OPERATOR_ID, TALLY_CURRENCY, TALLY_HOST, TALLY_PORT, TALLY_DATA_DIR,
             DATABASE_URL, TALLY_ADMIN_TOKEN, LOG_LEVEL (flags win).
Exit codes: 0 stopped cleanly, 1 could not start or run, 2 usage error.
`;

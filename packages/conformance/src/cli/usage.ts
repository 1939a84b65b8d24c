/** The help texts of ferry-conformance and its commands. */

export const USAGE = `ferry-conformance: check an implementation against the Ferry protocol spec

Usage:
  ferry-conformance [run] [options]        no target: start the reference implementations
                                           and run every suite against them, plus the vectors
  ferry-conformance run --role server --url ws://HOST:PORT/v1/ws [--http URL] [options]
  ferry-conformance run --role device --cmd "COMMAND" [options]
  ferry-conformance run --role app --cmd "COMMAND" [options]
  ferry-conformance replay FILE [--credential C]
                                           rerun one recorded failure exactly (a replay file
                                           of a report directory)
  ferry-conformance cases [--role ROLE] [--format text|json]
                                           list the cases: id, level, role, requirements
  ferry-conformance ics check FILE         check a capability statement (ICS) against
                                           spec/schemas/ics.schema.json
  ferry-conformance vectors [--dir DIR] [--only NAME|ID ...] [--format text|json]
                                           run the golden vectors (spec/vectors)
  ferry-conformance compat [options]       fail on a protocol change that is not declared
                                           (ferry-conformance compat --help)
  ferry-conformance --help | --version

Options of run:
  --role server|device|app   the role under test (default: every role, against the
                             reference implementations the toolkit starts)
  --url URL                  server: its WebSocket endpoint (else the ICS setup.url; with
                             neither, the reference server is started)
  --http URL                 server: base URL of the HTTP batch binding, posted to
                             URL/v1/batch (else the ICS setup.httpUrl, else derived
                             from a --url ending in /v1/ws)
  --cmd "COMMAND"            device or app: the shell command that starts it (else the
                             ICS setup.command)
  --ics FILE                 the capability statement: cases needing a feature or binding
                             it does not declare are unsupported
  --seed N                   the run's seed (default: random, printed); with the same
                             target, every case replays identically
  --runs N                   scenarios per property-based case (default 50)
  --only ID ...              run only these cases: case ids or requirement ids
  --exclude ID ...           skip these cases: case ids or requirement ids
  --strict                   also run SHOULD-level cases (a failure is a warning in the
                             report, but counts for the exit status)
  --timeout MS               time budget of each case (default 30000)
  --fail-fast                stop at the first failure; the rest are reported skipped
  --report DIR               write DIR/report.json (report.schema.json), junit.xml,
                             report.html, and replay/CASE.json for each failure
  --format text|json|junit   what goes to stdout (default text; json and junit print
                             progress on stderr)
  --path P                   with --only CASE: replay fast-check's path P of a property case
Setup of a server target (override the ICS setup; defaults match the reference server):
  --credential TOKEN         a credential the server accepts for --device
  --device HEX               the device id the cases use (1 to 16 bytes)
  --device2 HEX              a second device the credential covers
  --foreign-device HEX       a device the credential does not cover
  --queue-command "COMMAND"  a shell command that queues a command on the server
                             (env FERRY_DEVICE_ID, FERRY_COMMAND_PAYLOAD, FERRY_COMMAND_TTL_MS)

Exit codes: 0 every selected case passed, 1 a case failed, 2 bad usage, an invalid
ICS, or a target that cannot be reached.`;

export const VERSION_TEXT = "ferry-conformance for Ferry protocol";

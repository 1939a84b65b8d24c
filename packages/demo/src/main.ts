/**
 * `pnpm demo`: the scripted day of issue #4 (server, device and app as real
 * processes). Not built yet: say so plainly rather than pretend.
 */
process.stderr.write(
  "pnpm demo: the scripted day is not built yet (issue #4). Run a device, the app and a server by hand as the README shows.\n",
);
process.exit(2);

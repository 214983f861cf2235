// Package safedial is the discovery stage's only door to the network: every
// socket an active probe opens goes through a Dialer from this package.
//
// Probes are many, written by different people, and talk to devices that
// may be hostile (they flood, stall, drip one byte a second, lie about
// lengths or close mid-reply). Rather than trusting each probe to get scope,
// pacing and bounds right, the Dialer enforces them in one place:
//
//   - scope: an address outside the scan scope (exclusions included) is
//     refused with ErrOutOfScope before any packet leaves, and so are
//     names, unspecified, multicast and broadcast addresses;
//   - rate: a global limit on new connections and datagrams per second, and
//     a stricter per-host spacing so no single device is hammered;
//   - concurrency: at most a few open connections per host;
//   - time: a connect timeout, and a fresh idle deadline on every Read and
//     Write, never later than the caller's context deadline;
//   - bytes: a cap on the total bytes read from one connection.
//
// The read helpers (ReadCapped, ReadLine, ReadUntil, ReadFrame) give probes
// bounded ways to read lines, header blocks and length-prefixed frames, so
// no probe needs io.ReadAll on network bytes.
package safedial

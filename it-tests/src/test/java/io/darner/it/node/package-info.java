/**
 * The node side as a user runs it: supernode, agent and {@code darner get} processes of the
 * agent jar on loopback (distribution, resume after SIGKILL, supernode failover, source fallback,
 * refused secrets, SIGTERM, {@code get} exit codes, the memory benchmark). Download caps make
 * "mid-transfer" a window of seconds; every wait polls an HTTP endpoint or a log with a bound.
 */
package io.darner.it.node;

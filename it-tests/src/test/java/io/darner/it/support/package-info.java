/**
 * Helpers for end-to-end tests over real processes, shared by every test package here.
 * <ul>
 *   <li>{@link io.darner.it.support.JavaProcess}: a child JVM running a jar, its output in a log
 *       file; stopped only through its handle (SIGKILL with {@code kill()}, SIGTERM with
 *       {@code terminate()}), never by name.</li>
 *   <li>{@link io.darner.it.support.DarnerNodes}: a JUnit extension that starts supernodes, agents
 *       and one-off commands of the agent jar (its path comes from the system property
 *       {@code darner.agent.jar}, set by the pom) in a fresh work directory with a fresh cluster
 *       secret, and after each test kills what it started and deletes the directory, printing the
 *       logs' tails when the test failed.</li>
 *   <li>{@link io.darner.it.support.Await}: every wait is a polled condition with a bound; there
 *       are no fixed sleeps. {@link io.darner.it.support.Http}: the JDK client and Jackson for the
 *       daemons' endpoints; {@link io.darner.it.support.AgentDownload} follows one download of an
 *       agent's control API.</li>
 *   <li>{@link io.darner.it.support.Ports}: free loopback ports; {@link io.darner.it.support.TestFiles}:
 *       random sources, SHA-256, tree deletion.</li>
 * </ul>
 */
package io.darner.it.support;

/**
 * Rate limits: a {@link io.darner.engine.rate.Pacer} books bytes on a link and says when they
 * have passed; {@link io.darner.engine.rate.TokenBucket} is the limited one,
 * {@link io.darner.engine.rate.Pacers#stack} chains limits (node, task, tenant) and
 * {@link io.darner.engine.rate.ThrottleHandler} paces a Netty channel's writes through a pacer.
 * {@link io.darner.engine.rate.Rate} reads rates such as {@code 50MB/s} or {@code 400Mbit/s}.
 */
package io.darner.engine.rate;

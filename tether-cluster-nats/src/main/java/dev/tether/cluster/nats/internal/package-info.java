/** The NATS broker's subjects, connection and JetStream calls. Not a public API: it may change in any release. */
@NullMarked
package dev.tether.cluster.nats.internal;

import org.jspecify.annotations.NullMarked;

/** Implementation details of tether-client. Not a public API: it may change in any release. */
@NullMarked
package dev.tether.client.internal;

import org.jspecify.annotations.NullMarked;

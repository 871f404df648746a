/** Implementation details of tether-core. Not a public API: it may change in any release. */
@NullMarked
package dev.tether.core.internal;

import org.jspecify.annotations.NullMarked;

package dev.tether.core;

/** The {@code rpc} key of a packet: either a request or a response, tagged by {@code "type"} on the wire. */
public sealed interface RpcMessage permits RpcRequest, RpcResponse {

    /** The call this message belongs to; a response carries the id of its request. */
    String callId();
}

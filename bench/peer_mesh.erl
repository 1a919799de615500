%% The tool to beat for cluster ready (bench/peer-mesh.ts): OTP's own `peer` module starting N
%% nodes from one controlling node, the way LocalCluster and ex_unit_clustered_case start theirs,
%% until every peer is up and the N peers are connected in a full mesh. No Toxiproxy, no agent,
%% no fault injection: plain distribution through epmd on loopback.
%%
%% Run as the controller:
%%   erl -name ctl@127.0.0.1 -noinput -pa DIR -eval 'peer_mesh:main().'
%% with PEER_MESH_N (peers), PEER_MESH_PREFIX (their short names get 1..N appended),
%% PEER_MESH_ERL (the erl the peers run) and PEER_MESH_ARGS (their extra erl arguments, one per
%% line). The controller prints `peer-mesh controller ready` once booted, then times from its
%% first peer:start_link until the mesh, prints
%%   peer-mesh done started_us=<all peers up> mesh_us=<full mesh> os_pids=<p1,p2,...>
%% and waits for its stdin to close; then it stops the peers and halts. Any failure prints
%% `peer-mesh failed: ...` and halts with status 1.
-module(peer_mesh).
-export([main/0]).

main() ->
    try run() of
        ok -> ok
    catch
        Class:Reason:Stack ->
            io:format("peer-mesh failed: ~p:~p ~p~n", [Class, Reason, Stack]),
            erlang:halt(1)
    end.

run() ->
    N = list_to_integer(os:getenv("PEER_MESH_N")),
    Prefix = os:getenv("PEER_MESH_PREFIX"),
    Erl = os:getenv("PEER_MESH_ERL"),
    Args = [A || A <- string:split(os:getenv("PEER_MESH_ARGS", ""), "\n", all), A =/= ""],
    Names = [list_to_atom(Prefix ++ integer_to_list(I)) || I <- lists:seq(1, N)],
    Stdin = open_port({fd, 0, 1}, [eof, binary]),
    io:format("peer-mesh controller ready~n"),
    T0 = erlang:monotonic_time(microsecond),
    Self = self(),
    %% all N at once, each from a process of its own that stays linked to its peer
    Owners = [spawn(fun() -> own_peer(Self, Name, Erl, Args) end) || Name <- Names],
    Nodes = [receive
                 {started, Name, Node} -> Node;
                 {failed, Name, Why} -> error({peer_start_failed, Name, Why})
             after 120000 -> error({peer_start_timeout, Name})
             end || Name <- Names],
    T1 = erlang:monotonic_time(microsecond),
    await_mesh(Nodes, Nodes, T0 + 120000000),
    T2 = erlang:monotonic_time(microsecond),
    OsPids = [erpc:call(Node, os, getpid, []) || Node <- Nodes],
    io:format("peer-mesh done started_us=~b mesh_us=~b os_pids=~s~n",
              [T1 - T0, T2 - T0, lists:join(",", OsPids)]),
    receive {Stdin, eof} -> ok end,
    [Owner ! stop || Owner <- Owners],
    [receive {stopped, Owner} -> ok after 5000 -> ok end || Owner <- Owners],
    erlang:halt(0).

own_peer(Controller, Name, Erl, Args) ->
    Opts = #{name => Name, host => "127.0.0.1", longnames => true,
             exec => {Erl, []}, args => Args, wait_boot => 120000},
    case catch peer:start_link(Opts) of
        {ok, Pid, Node} ->
            Controller ! {started, Name, Node},
            receive stop -> catch peer:stop(Pid) end,
            Controller ! {stopped, self()};
        Other ->
            Controller ! {failed, Name, Other}
    end.

%% Every peer sees every other peer (asked through the distribution connection each one has to
%% this controller); polled every 2 ms.
await_mesh(Pending, Nodes, Deadline) ->
    Missing = [Node || Node <- Pending, not sees_all(Node, Nodes)],
    case Missing of
        [] -> ok;
        _ ->
            case erlang:monotonic_time(microsecond) > Deadline of
                true -> error({no_full_mesh, Missing});
                false -> timer:sleep(2), await_mesh(Missing, Nodes, Deadline)
            end
    end.

sees_all(Node, Nodes) ->
    Seen = erpc:call(Node, erlang, nodes, []),
    lists:all(fun(Other) -> Other =:= Node orelse lists:member(Other, Seen) end, Nodes).

// The latest snapshot and the connection state of a ControlClient, for React.
import { useEffect, useState } from "react";
import type { Snapshot } from "../../../app/base/control-api.ts";
import type { ConnectionState, ControlClient } from "../control/client.ts";

export function useControl(client: ControlClient): { snapshot: Snapshot | null; connection: ConnectionState } {
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  const [connection, setConnection] = useState<ConnectionState>(() => client.connection());
  useEffect(() => {
    const offConnection = client.onConnection(setConnection);
    const offSnapshot = client.subscribe(setSnapshot);
    return () => {
      offSnapshot();
      offConnection();
    };
  }, [client]);
  return { snapshot, connection };
}

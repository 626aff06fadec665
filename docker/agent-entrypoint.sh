#!/bin/sh
# Entry point of a FortiClient replica in the container lab (docker-compose.yml): its own home, a
# certificate from the lab CA for its own address (`fabricctl enroll`), then the agent with the
# compose command's options plus its identity. Replicas get their address from the network's
# ip_range (10.B.1.0/24), the range the EMS assignment rule matches.
set -eu
ip=$(hostname -i | awk '{print $1}')
name=$(hostname)
home=/var/lib/forticlient
fabricctl enroll --ca /lab/ca --home "$home" --ip "$ip" --hostname "$name"
exec "$@" --home "$home" --ip "$ip" --hostname "$name" --os "${FCT_OS:-windows}"

# One image for every service of the container lab (docker-compose.yml): Debian 12, like the lab
# machines; the same programs `fabricctl up` runs, built from this tree.
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      cmake ninja-build g++ pkg-config libasio-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev \
      catch2 libcli11-dev libsqlite3-dev liblz4-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
 && ninja -C build fortigate fortianalyzer ems forticlient fabricctl

FROM debian:12
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      libssl3 libsqlite3-0 liblz4-1 nftables iproute2 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/bin/fortigate /src/build/bin/fortianalyzer /src/build/bin/ems \
     /src/build/bin/forticlient /src/build/bin/fabricctl /usr/local/bin/
COPY docker/agent-entrypoint.sh /usr/local/bin/agent-entrypoint.sh

# syntax=docker/dockerfile:1
# Conduit Scale: one image for every role (CONDUIT_ROLE=api|worker|migrate|keygen).
#   docker build -t conduit-scale .
# Build: Maven on JDK 25 packages the Spring Boot jar; the jar's layer index splits it into layers that change
# at different rates (dependencies rarely, the application on every commit), so a new version pushes one small
# layer. Runtime: Temurin 25 JRE, a non-root user, and nothing writable but /tmp (ECS: readonlyRootFilesystem
# with a /tmp volume). DeployImageIT checks what can be checked without a Docker engine: the extraction below,
# the layer names copied here, and that the extracted application starts as a non-root user with a read-only
# application directory.

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml .
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q -DskipTests package \
 && java -Djarmode=tools -jar target/conduit-scale.jar extract --layers --launcher --destination /layers

# OpenTelemetry Java agent (traces to the ADOT collector sidecar, then X-Ray); used only when the task sets
# JAVA_TOOL_OPTIONS=-javaagent:/opt/otel/opentelemetry-javaagent.jar (deploy/settings.yaml)
FROM eclipse-temurin:25-jre AS otel
ARG OTEL_AGENT_VERSION=2.33.1
ADD --chmod=444 https://repo1.maven.org/maven2/io/opentelemetry/javaagent/opentelemetry-javaagent/${OTEL_AGENT_VERSION}/opentelemetry-javaagent-${OTEL_AGENT_VERSION}.jar /opt/otel/opentelemetry-javaagent.jar

FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 conduit \
 && useradd --system --uid 10001 --gid conduit --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin conduit
WORKDIR /app
# least to most often changed; owned by root, so the application cannot modify itself
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY --from=otel /opt/otel/ /opt/otel/
USER 10001:10001
EXPOSE 8080
# Container-aware heap: 75 % of the task's memory, the rest for metaspace, threads and direct buffers. Exit on
# OutOfMemoryError so that ECS replaces the task instead of leaving it half-alive. Exec form: the JVM is PID 1
# and receives SIGTERM itself, which starts the graceful drain (docs/architecture.md).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:+PerfDisableSharedMem", "org.springframework.boot.loader.launch.JarLauncher"]

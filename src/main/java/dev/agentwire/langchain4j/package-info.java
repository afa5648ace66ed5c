/**
 * LangChain4j agents: a LangChain4j AI service that streams ({@code TokenStream}) runs as an
 * AgentWire {@link dev.agentwire.agents.Agent} ({@link StreamingRun}), with AgentWire's {@link
 * dev.agentwire.agents.Tool} beans offered to the model ({@link AgentWireTools}), and the
 * configurable {@code llm} agent ({@link LlmAgent}) for any OpenAI-compatible endpoint.
 *
 * <p>The only package that depends on LangChain4j. A WAR built without it (Maven profile {@code
 * without-langchain4j}) still deploys: CDI skips these classes, and the other agents run.
 */
package dev.agentwire.langchain4j;

/**
 * A Worker that uses @ugatit/client, for the test that runs the client inside workerd: POST an image,
 * get back the translated image, or the client's error as JSON: a problem's members with 502, any other
 * error's name and message with 500 (so that a test failing here says why). EDGE and API_KEY come as vars.
 */
import { ApiProblemError, createClient } from "@ugatit/client";

interface Env {
  EDGE: string;
  API_KEY: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") return new Response("ready");
    const apiKey = new URL(request.url).searchParams.get("key") ?? env.API_KEY;
    const client = createClient({ baseUrl: env.EDGE, apiKey });
    try {
      const result = await client.translate(new Uint8Array(await request.arrayBuffer()), {
        direction: "A2B",
        waitSeconds: 0,
      });
      return new Response(await result.image(), { headers: { "x-job": result.job.id } });
    } catch (error) {
      if (!(error instanceof ApiProblemError)) {
        const { name, message } = error instanceof Error ? error : { name: "thrown", message: String(error) };
        return Response.json({ name, message }, { status: 500 });
      }
      return Response.json({ name: error.name, status: error.status, type: error.type }, { status: 502 });
    }
  },
};

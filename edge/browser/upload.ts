/// <reference lib="dom" />
/**
 * @module The presigned upload, as any client of the API does it: `POST /v1/uploads` for a URL, then the
 * image PUT straight to the storage with the headers the signature covers.
 */
import type { CreateUploadRequest, Upload } from "../src/uploads/schemas.ts";
import { PageError, readableError } from "./api-errors.ts";

/** PUT with upload progress: fetch() cannot report it, XMLHttpRequest can. */
function put(upload: Upload, body: Blob, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) {
      // the browser sets Content-Length itself and refuses to be told it
      if (name.toLowerCase() !== "content-length") xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () =>
      xhr.status < 300 ? resolve() : reject(new PageError(`The storage refused the upload [${xhr.status}]`));
    xhr.onerror = () => reject(new PageError("The upload could not reach the storage"));
    xhr.send(body);
  });
}

/** Uploads `file`; resolves with the upload id a translation names. */
export async function uploadImage(
  file: File,
  headers: Record<string, string>,
  onProgress: (fraction: number) => void,
): Promise<string> {
  // the type is checked by the API, which answers in words for one it does not take
  const request = { content_type: file.type, content_length: file.size } as CreateUploadRequest;
  const answer = await fetch("/v1/uploads", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  if (!answer.ok) throw new PageError(await readableError(answer));
  const upload = (await answer.json()) as Upload;
  await put(upload, file, onProgress);
  return upload.upload_id;
}

// Checks Convene's OpenAPI description with third-party tools. Used by Convene's OpenAPI tests.
//
//   node check.mjs validate <openapi.json>
//     validates the document against the OpenAPI 3.1 schema with @apidevtools/swagger-parser (which
//     also resolves every $ref), then checks what that leaves out for 3.x: path parameters match
//     the path templates, operation ids are unique, and every schema compiles under Ajv's strict
//     JSON Schema 2020-12 validator.
//   node check.mjs response <openapi.json> <path> <method> <status> <body.json>
//     validates a response body against the schema the document gives for that path, method and
//     status, with Ajv's JSON Schema 2020-12 validator. Objects are checked strictly: a property the
//     document does not describe fails, so the description keeps up with the handlers.
//   node check.mjs responses <openapi.json> <cases.json>
//     the same for many responses in one process: cases.json is an array of {path, method, status,
//     body}, body the response's text; prints a JSON array of the problems ("" for none).
//
// Prints nothing (but for responses) and exits 0 when all is well; prints the problems and exits 1
// otherwise.
// OPENAPI_NODE_MODULES names the node_modules directory holding the packages (.tools/node_modules).
import { readFileSync } from "node:fs";

const modules = process.env.OPENAPI_NODE_MODULES;
const load = async (name, file) => {
  const m = await import(modules ? `${modules}/${name}/${file}` : `${name}/${file}`);
  return m.default?.default ?? m.default ?? m;
};
const SwaggerParser = await load("@apidevtools/swagger-parser", "lib/index.js");

const fail = (msg) => {
  process.stdout.write(msg + "\n");
  process.exit(1);
};

const [mode, docFile, ...args] = process.argv.slice(2);
if (!docFile) {
  fail("usage: check.mjs validate <openapi.json> | response <openapi.json> <path> <method> <status> <body.json> | responses <openapi.json> <cases.json>");
}
const doc = JSON.parse(readFileSync(docFile, "utf8"));

const Ajv2020 = await load("ajv", "dist/2020.js");
const addFormats = await load("ajv-formats", "dist/index.js");

// newAjv is a JSON Schema 2020-12 validator, strict about unknown keywords and formats.
const newAjv = () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addFormat("int32", { type: "number", validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n) => Number.isInteger(n) });
  return ajv;
};

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

if (mode === "validate") {
  // The OpenAPI 3.1 schema, with swagger-parser; it resolves every $ref too.
  try {
    await SwaggerParser.validate(structuredClone(doc));
  } catch (err) {
    fail(`invalid OpenAPI document: ${err.message}`);
  }
  // What swagger-parser leaves out for 3.x: the rules of the specification beyond its schema, and
  // the schemas themselves, which its 3.1 check does not descend into.
  const api = await SwaggerParser.dereference(structuredClone(doc));
  const problems = [];
  const ids = new Set();
  const ajv = newAjv();
  for (const [path, item] of Object.entries(api.paths ?? {})) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of methods.filter((m) => item[m])) {
      const op = item[method];
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) problems.push(`${where}: no operationId`);
      else if (ids.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      const inPath = params.filter((p) => p.in === "path").map((p) => p.name);
      for (const name of templated) if (!inPath.includes(name)) problems.push(`${where}: path parameter {${name}} is not described`);
      for (const name of inPath) if (!templated.includes(name)) problems.push(`${where}: path parameter ${name} is not in the path`);
      for (const p of params) if (p.in === "path" && p.required !== true) problems.push(`${where}: path parameter ${p.name} must be required`);
      const seenParams = new Set();
      for (const p of params) {
        if (seenParams.has(p.in + ":" + p.name)) problems.push(`${where}: parameter ${p.name} in ${p.in} twice`);
        seenParams.add(p.in + ":" + p.name);
      }
      if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${where}: no responses`);
      const schemas = [...params.map((p) => [`parameter ${p.name}`, p.schema])];
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) schemas.push([`request ${type}`, media.schema]);
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        for (const [type, media] of Object.entries(res.content ?? {})) schemas.push([`response ${status} ${type}`, media.schema]);
      }
      for (const [what, schema] of schemas) {
        if (schema === undefined) continue;
        try {
          ajv.compile(schema);
        } catch (err) {
          problems.push(`${where}: ${what}: ${err.message}`);
        }
      }
    }
  }
  if (problems.length > 0) fail(`invalid OpenAPI document:\n  ${problems.join("\n  ")}`);
  process.exit(0);
}

// responseProblems checks one response body (text) against the document's schema for it; it
// returns what is wrong, or "" when nothing is.
const seen = new Set();
const strict = (schema) => {
  // Close every object schema that lists its properties, so undocumented properties fail.
  if (schema === null || typeof schema !== "object" || seen.has(schema)) return;
  seen.add(schema);
  if (!Array.isArray(schema) && schema.properties && schema.additionalProperties === undefined) {
    schema.additionalProperties = false;
  }
  for (const value of Object.values(schema)) strict(value);
};
const api = mode === "response" || mode === "responses" ? await SwaggerParser.dereference(structuredClone(doc)) : null;
const validators = new Map();
const responseProblems = (path, method, status, body) => {
  const where = `${method.toUpperCase()} ${path} ${status}`;
  const operation = api.paths?.[path]?.[method.toLowerCase()];
  if (!operation) return `the document has no ${method.toUpperCase()} ${path}`;
  const response = operation.responses?.[String(status)];
  if (!response) return `the document gives no ${status} response for ${method.toUpperCase()} ${path}`;
  const media = response.content?.["application/json"];
  if (!media) return body.trim() === "" ? "" : `${where} is documented without a body, but has one`;
  let data;
  try {
    data = JSON.parse(body);
  } catch (err) {
    return `the body is not JSON: ${err.message}`;
  }
  if (!validators.has(media.schema)) {
    strict(media.schema);
    validators.set(media.schema, newAjv().compile(media.schema));
  }
  const validate = validators.get(media.schema);
  if (validate(data)) return "";
  return validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`).join("\n");
};

if (mode === "response") {
  const [path, method, status, bodyFile] = args;
  const problems = responseProblems(path, method, status, readFileSync(bodyFile, "utf8"));
  if (problems) fail(problems);
  process.exit(0);
}

// responses checks many responses at once, to spare a process each: the file holds an array of
// {path, method, status, body}, body being the response's text. It prints an array of the
// problems, "" for each response that matches.
if (mode === "responses") {
  const cases = JSON.parse(readFileSync(args[0], "utf8"));
  const out = cases.map((c) => responseProblems(c.path, c.method, String(c.status), c.body));
  process.stdout.write(JSON.stringify(out));
  process.exit(out.some((p) => p !== "") ? 1 : 0);
}

fail(`unknown mode ${mode}`);

// The todo API client. Every call resolves to { data, hostname }, where
// hostname names the backend container that handled the request, or rejects
// with an ApiError.

export class ApiError extends Error {
  constructor(message, { status = 0, errors = {}, unreachable = false } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    // Field name -> list of problems, from a 400 response.
    this.errors = errors
    // True when the request may succeed later unchanged: no response at all,
    // nginx's 502 or 504 (no backend), or a 503 (the backend lost its database).
    this.unreachable = unreachable
  }
}

// Django sets the csrftoken cookie on GET /api/todos/ and expects its value
// back in the X-CSRFToken header of every request that changes something.
export function csrfToken() {
  const cookie = document.cookie.split('; ').find((item) => item.startsWith('csrftoken='))
  return cookie ? decodeURIComponent(cookie.slice('csrftoken='.length)) : ''
}

export async function request(method, path, body) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
  }
  if (method !== 'GET') {
    headers['X-CSRFToken'] = csrfToken()
  }

  let response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch (error) {
    throw new ApiError(`No response from the server (${error.message}).`, { unreachable: true })
  }

  const hostname = response.headers.get('X-Backend-Hostname') || ''
  const data = response.status === 204 ? null : await response.json().catch(() => null)
  if ([502, 503, 504].includes(response.status)) {
    const message = data?.error || `The proxy returned HTTP ${response.status}: no backend responded.`
    throw new ApiError(message, { status: response.status, unreachable: true })
  }
  if (!response.ok) {
    const message = data?.error || describeErrors(data?.errors) || `The API returned HTTP ${response.status}.`
    throw new ApiError(message, { status: response.status, errors: data?.errors || {} })
  }
  return { data, hostname }
}

function describeErrors(errors) {
  if (!errors) return ''
  return Object.entries(errors)
    .map(([field, problems]) => `${field}: ${problems.join(' ')}`)
    .join(' ')
}

export const todosApi = {
  list: () => request('GET', '/api/todos/'),
  create: (title) => request('POST', '/api/todos/', { title }),
  update: (id, fields) => request('PATCH', `/api/todos/${id}/`, fields),
  remove: (id) => request('DELETE', `/api/todos/${id}/`),
}

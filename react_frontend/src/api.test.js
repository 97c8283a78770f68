import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, request, todosApi } from './api.js'

function jsonResponse(status, body, headers = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

afterEach(() => {
  document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT'
})

describe('request', () => {
  it('sends the CSRF cookie value in the X-CSRFToken header', async () => {
    document.cookie = 'csrftoken=abc123'
    const fetchMock = vi.fn(async () => jsonResponse(201, { id: 1, title: 'x', done: false }))
    vi.stubGlobal('fetch', fetchMock)

    await todosApi.create('x')

    const [path, options] = fetchMock.mock.calls[0]
    expect(path).toBe('/api/todos/')
    expect(options.method).toBe('POST')
    expect(options.headers['X-CSRFToken']).toBe('abc123')
    expect(JSON.parse(options.body)).toEqual({ title: 'x' })
  })

  it('returns the data and the backend hostname', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(200, { todos: [] }, { 'X-Backend-Hostname': 'abc' })))

    const result = await todosApi.list()

    expect(result).toEqual({ data: { todos: [] }, hostname: 'abc' })
  })

  it('returns null data for 204 No Content', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })))

    const result = await todosApi.remove(1)

    expect(result.data).toBeNull()
  })

  it('turns a 400 into an ApiError with the field errors', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(400, { errors: { title: ['Must not be blank.'] } })))

    const error = await request('POST', '/api/todos/', { title: '' }).catch((failure) => failure)

    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(400)
    expect(error.errors).toEqual({ title: ['Must not be blank.'] })
    expect(error.unreachable).toBe(false)
  })

  it('marks a network failure as unreachable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))

    const error = await todosApi.list().catch((failure) => failure)

    expect(error.unreachable).toBe(true)
    expect(error.message).toContain('Failed to fetch')
  })

  it('marks a 502 from the proxy as unreachable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>Bad Gateway</html>', { status: 502 })))

    const error = await todosApi.list().catch((failure) => failure)

    expect(error.unreachable).toBe(true)
    expect(error.status).toBe(502)
  })
})

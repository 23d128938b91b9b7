import { describe, expect, it } from 'vitest'
import { ConnectionUrlError, normaliseConnectionUrl } from '../../src/main/connection-url.js'

describe('connection URLs', () => {
  it.each([
    ['https://limena.example.com', 'https://limena.example.com'],
    ['https://limena.example.com:8443/api/v1/', 'https://limena.example.com:8443'],
    ['http://127.0.0.1:7420', 'http://127.0.0.1:7420'],
    ['http://localhost:7420', 'http://localhost:7420'],
    ['http://[::1]:7420', 'http://[::1]:7420'],
  ])('accepts %s as %s', (input, origin) => {
    expect(normaliseConnectionUrl(input)).toBe(origin)
  })

  it.each([
    ['http://limena.example.com', /must use https/],
    ['http://10.0.0.5:7420', /must use https/],
    ['ftp://limena.example.com', /use an https/],
    ['javascript:alert(1)', /use an https/],
    ['https://user:pass@limena.example.com', /no credentials/],
    ['not a url', /not a URL/],
  ])('refuses %s', (input, message) => {
    expect(() => normaliseConnectionUrl(input)).toThrow(ConnectionUrlError)
    expect(() => normaliseConnectionUrl(input)).toThrow(message)
  })
})

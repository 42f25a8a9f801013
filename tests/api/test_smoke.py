async def test_health_reports_database_and_queue(anon):
    response = await anon.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["queue"] == "ok"


async def test_partner_created_by_sales_session(login):
    client = await login("sales")
    response = await client.post("/api/partners/", json={"name": "Alfa SRL", "cui": "RO12345674"})
    assert response.status_code == 201, response.text
    assert response.json()["cui"] == "12345674"
